//! A real SMTP server in the test process (mailin-embedded), recording
//! every message it accepts.

use std::{
    io,
    net::TcpListener,
    sync::{Arc, Mutex},
};

use mailin_embedded::{response, Handler, Response, Server};

#[derive(Clone, Default)]
struct Recorder {
    current: Vec<u8>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Handler for Recorder {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.current.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.received
            .lock()
            .unwrap()
            .push(std::mem::take(&mut self.current));
        response::OK
    }
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl SmtpSink {
    /// Starts listening on `port` (0 for any free port).
    pub fn start(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let recorder = Recorder::default();
        let received = recorder.received.clone();
        let mut server = Server::new(recorder);
        server.with_name("sink.test").with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.received.lock().unwrap().clone()
    }
}

/// A port with nothing listening (the SMTP server is "down").
pub fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
