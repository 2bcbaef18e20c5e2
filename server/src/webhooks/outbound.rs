//! Where a webhook may be sent. Only `https://` to public addresses:
//! a clinic's admin must not be able to make the server probe its own
//! network (the database host, a cloud metadata address) on their behalf.
//! Names are checked again at every delivery by the resolver below, and the
//! connection goes to the address that was checked, so a name that later
//! resolves elsewhere is refused too.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use reqwest::{
    dns::{Addrs, Name, Resolve, Resolving},
    Url,
};

use crate::config::WebhookSettings;

/// What the settings let through.
#[derive(Clone, Copy, Debug)]
pub struct Reach {
    pub loopback: bool,
    pub private: bool,
}

impl From<&WebhookSettings> for Reach {
    fn from(s: &WebhookSettings) -> Self {
        Reach {
            loopback: s.allow_loopback,
            private: s.allow_private,
        }
    }
}

/// Why an address may not be called; `None` if it may.
pub fn refused(ip: IpAddr, reach: Reach) -> Option<&'static str> {
    // An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is that address.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    if ip.is_loopback() {
        return (!reach.loopback).then_some("a loopback address (this machine)");
    }
    if ip.is_unspecified() || ip.is_multicast() || is_broadcast(ip) {
        return Some("not an address a web server can have");
    }
    if is_private(ip) {
        return (!reach.private).then_some("a private or link-local network address");
    }
    None
}

fn is_broadcast(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_broadcast())
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_link_local()
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b))
                // "This network", 0.0.0.0/8; IETF protocol assignments.
                || a == 0
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                // Benchmarking, 198.18.0.0/15; reserved, 240.0.0.0/4.
                || (a == 198 && (18..20).contains(&b))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10,
            // and IPv4-compatible or NAT64 forms of a private IPv4 address.
            (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || embedded_v4(v6).is_some_and(|v4| is_private(IpAddr::V4(v4)) || v4.is_loopback())
        }
    }
}

/// The IPv4 address inside a NAT64 (64:ff9b::/96) address.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0]).then(|| {
        let o = v6.octets();
        Ipv4Addr::new(o[12], o[13], o[14], o[15])
    })
}

/// Checks a URL an admin registers; the message says what to change.
pub async fn check_url(raw: &str, reach: Reach) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.len() > 2048 {
        return Err("The address is too long (at most 2048 characters)".into());
    }
    let url = Url::parse(raw).map_err(|_| {
        "Enter a full address, like https://booking.example.com/hooks/stipple".to_string()
    })?;
    let host = url
        .host_str()
        .ok_or_else(|| "The address needs a host name".to_string())?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "Leave the user name and password out of the address: requests are signed instead"
                .into(),
        );
    }
    let literal: Option<IpAddr> = host.parse().ok();
    let loopback_name =
        host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost");
    match url.scheme() {
        "https" => {}
        "http"
            if reach.loopback && (loopback_name || literal.is_some_and(|ip| ip.is_loopback())) => {}
        _ => return Err("The address must start with https://".into()),
    }
    if let Some(ip) = literal {
        if let Some(why) = refused(ip, reach) {
            return Err(format!(
                "The address points to {why}, which webhooks may not reach"
            ));
        }
        return Ok(url);
    }
    if loopback_name && !reach.loopback {
        return Err(
            "The address points to a loopback address (this machine), which webhooks may not reach"
                .into(),
        );
    }
    // A name that resolves now is checked now; one that does not is
    // checked at each delivery.
    let port = url.port_or_known_default().unwrap_or(443);
    if let Ok(Ok(addrs)) = tokio::time::timeout(
        Duration::from_secs(3),
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        for a in addrs {
            if let Some(why) = refused(a.ip(), reach) {
                return Err(format!(
                    "{host} resolves to {why}, which webhooks may not reach"
                ));
            }
        }
    }
    Ok(url)
}

/// Resolves names for the webhook client and drops every address the
/// settings refuse; a name left with none fails the attempt.
pub struct CheckedResolver(pub Reach);

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.0;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| refused(a.ip(), reach).is_none())
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no address webhooks may reach").into());
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client for deliveries: no redirects, 10 s per attempt, names
/// resolved through [`CheckedResolver`].
pub fn client(reach: Reach) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .dns_resolver(Arc::new(CheckedResolver(reach)))
        .user_agent("Stipple-Webhooks/1")
        .build()
        .expect("the webhook client builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Reach = Reach {
        loopback: false,
        private: false,
    };

    #[test]
    fn private_loopback_and_odd_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "::1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused(ip, NONE).is_some(), "{ip} should be refused");
        }
        for ip in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(refused(ip, NONE), None, "{ip} should be allowed");
        }
        let lo = Reach {
            loopback: true,
            private: false,
        };
        assert_eq!(refused("127.0.0.1".parse().unwrap(), lo), None);
        assert!(refused("10.0.0.1".parse().unwrap(), lo).is_some());
    }

    #[tokio::test]
    async fn only_https_to_public_hosts() {
        for bad in [
            "http://example.com/hook",
            "ftp://example.com/",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://10.0.0.8/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://localhost:8443/",
            "https://user:pw@example.com/",
            "not a url",
        ] {
            assert!(
                check_url(bad, NONE).await.is_err(),
                "{bad} should be refused"
            );
        }
        assert!(check_url("https://93.184.215.14/hook", NONE).await.is_ok());
        let lo = Reach {
            loopback: true,
            private: false,
        };
        assert!(check_url("http://127.0.0.1:9/hook", lo).await.is_ok());
        assert!(check_url("http://localhost:9/hook", lo).await.is_ok());
        assert!(check_url("http://10.0.0.1/hook", lo).await.is_err());
    }
}
