//! A TCP relay in front of the server whose link can be cut, so the browser
//! (page and service worker alike) is truly offline: connections are refused
//! and those open are dropped, as when a phone loses its signal. It can also
//! be made slow, as a weak signal is.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    sync::watch,
};

pub struct Link {
    pub port: u16,
    /// Where new connections go: another server can take over the address.
    upstream: Arc<std::sync::Mutex<SocketAddr>>,
    online: Arc<AtomicBool>,
    /// Bytes per second towards the browser; 0 for no limit.
    rate: Arc<AtomicU64>,
    cut: watch::Sender<u64>,
}

impl Link {
    /// Relays 127.0.0.1:<port> to `upstream`, online to begin with.
    pub async fn start(upstream: SocketAddr) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let online = Arc::new(AtomicBool::new(true));
        let rate = Arc::new(AtomicU64::new(0));
        let (cut, _) = watch::channel(0u64);
        let target = Arc::new(std::sync::Mutex::new(upstream));
        let (flag, cuts, limit) = (online.clone(), cut.clone(), rate.clone());
        let to = target.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut_rx = cuts.subscribe();
                let limit = limit.clone();
                let upstream = *to.lock().unwrap();
                tokio::spawn(async move {
                    let Ok(outbound) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut from_browser, mut to_browser) = inbound.into_split();
                    let (mut from_server, mut to_server) = outbound.into_split();
                    let up = tokio::io::copy(&mut from_browser, &mut to_server);
                    let down = async move {
                        let mut buf = vec![0u8; 4096];
                        loop {
                            let n = match from_server.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            if to_browser.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                            let rate = limit.load(Ordering::SeqCst);
                            if rate > 0 {
                                tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64))
                                    .await;
                            }
                        }
                    };
                    tokio::select! {
                        _ = async { tokio::join!(up, down) } => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        Link {
            port,
            upstream: target,
            online,
            rate,
            cut,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Refuses new connections and drops the open ones.
    pub fn go_offline(&self) {
        self.online.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    /// Limits what reaches the browser to `bytes_per_second` (0: no limit).
    pub fn throttle(&self, bytes_per_second: u64) {
        self.rate.store(bytes_per_second, Ordering::SeqCst);
    }

    /// Sends new connections to another server (open ones are dropped), as
    /// when the clinic's server is replaced behind the same address.
    pub fn retarget(&self, upstream: SocketAddr) {
        *self.upstream.lock().unwrap() = upstream;
        self.cut.send_modify(|n| *n += 1);
    }

    pub fn go_online(&self) {
        self.online.store(true, Ordering::SeqCst);
    }
}
