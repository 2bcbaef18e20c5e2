//! A webhook receiver: a real HTTP/1.1 server on a port of its own that
//! records every request and answers with the status it is told to. It
//! can go down (the port stops listening) and come back on the same port.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU16, Ordering},
        Arc, Mutex,
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// Answers by path: a status and extra headers.
type Fixed = Arc<Mutex<HashMap<String, (u16, Vec<(String, String)>)>>>;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub struct Receiver {
    pub addr: SocketAddr,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    /// Answers by path, overriding `status` (e.g. a redirect).
    fixed: Fixed,
    task: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Listening on a free port, answering 200.
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut r = Receiver {
            addr: listener.local_addr().unwrap(),
            got: Default::default(),
            status: Arc::new(AtomicU16::new(200)),
            fixed: Default::default(),
            task: None,
        };
        r.serve(listener);
        r
    }

    /// A receiver whose port is reserved but not listening: it is down.
    pub async fn down() -> Receiver {
        let mut r = Receiver::start().await;
        r.go_down();
        r
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Always answer `path` so, with these headers.
    pub fn fix(&self, path: &str, status: u16, headers: &[(&str, &str)]) {
        self.fixed.lock().unwrap().insert(
            path.to_string(),
            (
                status,
                headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        );
    }

    pub fn go_down(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn come_up(&mut self) {
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    fn serve(&mut self, listener: TcpListener) {
        let got = self.got.clone();
        let status = self.status.clone();
        let fixed = self.fixed.clone();
        self.task = Some(tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (got, status, fixed) = (got.clone(), status.clone(), fixed.clone());
                tokio::spawn(async move {
                    let _ = handle(stream, got, status, fixed).await;
                });
            }
        }));
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.go_down();
    }
}

async fn handle(
    mut stream: TcpStream,
    got: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    fixed: Fixed,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_string();
    let mut headers = http::HeaderMap::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            if let (Ok(k), Ok(v)) = (
                http::HeaderName::from_bytes(k.trim().as_bytes()),
                http::HeaderValue::from_str(v.trim()),
            ) {
                headers.append(k, v);
            }
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (code, extra) = fixed
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or((status.load(Ordering::SeqCst), Vec::new()));
    got.lock().unwrap().push(Received {
        path,
        headers,
        body,
    });
    let mut answer = format!("HTTP/1.1 {code} X\r\nContent-Length: 2\r\nConnection: close\r\n");
    for (k, v) in extra {
        answer.push_str(&format!("{k}: {v}\r\n"));
    }
    answer.push_str("\r\nok");
    stream.write_all(answer.as_bytes()).await?;
    stream.shutdown().await
}
