//! The client's IP address. Behind a reverse proxy (which terminates TLS),
//! the peer is the proxy: then the address it reports in
//! `X-Forwarded-For` is used, but only from proxies named in
//! `STIPPLE_TRUSTED_PROXIES`, since anyone can send the header.

use std::net::IpAddr;

use actix_web::HttpRequest;

pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    client_addr(req, trusted).map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The client's address; `None` only without a peer (never over TCP).
pub fn client_addr(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // The right-most address no trusted proxy added is the client's.
    Some(
        *forwarded
            .iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .or(forwarded.first())
            .unwrap_or(&peer),
    )
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn req(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(x) = xff {
            r = r.insert_header(("x-forwarded-for", x));
        }
        r.to_http_request()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(
            client_ip(&req("203.0.113.9", Some("1.2.3.4")), &[proxy]),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(&req("10.0.0.2", Some("1.2.3.4, 198.51.100.7")), &[proxy]),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(&req("10.0.0.2", Some("198.51.100.7, 10.0.0.2")), &[proxy]),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(&req("10.0.0.2", Some("not an ip")), &[proxy]),
            "10.0.0.2"
        );
        assert_eq!(client_ip(&req("10.0.0.2", None), &[]), "10.0.0.2");
    }
}
