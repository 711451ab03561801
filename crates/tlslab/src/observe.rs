//! Watching a handshake from the side: a stream wrapper that keeps a bounded copy of the bytes
//! in each direction, and the analysis that reads the plaintext part of the handshake back.
//!
//! This is how tlslab reports the same facts — what the client offered, the group chosen, the
//! alert sent — whichever TLS library ran the connection.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use tlslab_wire::codec::{
    self, handshake_type, Alert, ClientHello, Plaintext, ServerHello, ServerKeyExchange,
};
use tlslab_wire::registry;

/// How many bytes of each direction are kept: enough for any hello flight with a certificate
/// chain, small enough that thousands of connections stay cheap.
pub const CAPTURE_LIMIT: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Capture {
    read: Vec<u8>,
    written: Vec<u8>,
}

/// A handle on what a [`Tap`] saw.
#[derive(Debug, Clone, Default)]
pub struct TapLog(Arc<Mutex<Capture>>);

impl TapLog {
    /// Bytes read from the peer and written to it so far (bounded by [`CAPTURE_LIMIT`]).
    pub fn bytes(&self) -> (Vec<u8>, Vec<u8>) {
        let capture = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (capture.read.clone(), capture.written.clone())
    }

    /// Reads the handshake back. `we_are_client` says which direction is the server's.
    pub fn handshake(&self, we_are_client: bool) -> HandshakeView {
        let (read, written) = self.bytes();
        if we_are_client {
            HandshakeView::from_streams(&written, &read)
        } else {
            HandshakeView::from_streams(&read, &written)
        }
    }
}

/// A stream that passes everything through and remembers the first bytes each way.
#[derive(Debug)]
pub struct Tap<S> {
    inner: S,
    log: TapLog,
}

impl<S> Tap<S> {
    /// Wraps a stream.
    pub fn new(inner: S) -> (Self, TapLog) {
        let log = TapLog::default();
        (
            Self {
                inner,
                log: log.clone(),
            },
            log,
        )
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

fn keep(buffer: &mut Vec<u8>, bytes: &[u8]) {
    let room = CAPTURE_LIMIT.saturating_sub(buffer.len());
    buffer.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let mut capture = self.log.0.lock().unwrap_or_else(|p| p.into_inner());
            if capture.read.len() < CAPTURE_LIMIT {
                keep(&mut capture.read, &buf.filled()[before..]);
            }
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = result {
            let mut capture = self.log.0.lock().unwrap_or_else(|p| p.into_inner());
            if capture.written.len() < CAPTURE_LIMIT {
                keep(&mut capture.written, &buf[..n]);
            }
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The plaintext part of one direction of a handshake.
#[derive(Debug, Clone, Default)]
pub struct Flight {
    /// Handshake messages `(type, body)` sent before encryption started.
    pub messages: Vec<(u8, Vec<u8>)>,
    /// A plaintext alert, if one was sent.
    pub alert: Option<Alert>,
    /// True when the bytes were not TLS records at all.
    pub not_tls: bool,
    /// The first bytes, for saying what a non-TLS peer sent.
    pub head: Vec<u8>,
    /// Total bytes seen.
    pub bytes: usize,
}

impl Flight {
    fn read(stream: &[u8]) -> Self {
        let mut flight = Flight {
            head: stream[..stream.len().min(64)].to_vec(),
            bytes: stream.len(),
            ..Flight::default()
        };
        match Plaintext::read(stream) {
            Ok(plaintext) => {
                flight.messages = plaintext.messages;
                flight.alert = plaintext.alert;
            }
            // Some TLS may have come first; only call it "not TLS" when it never was.
            Err(_) => flight.not_tls = stream.first().is_none_or(|b| !(0x14..=0x18).contains(b)),
        }
        flight
    }

    fn find(&self, kind: u8) -> impl Iterator<Item = &[u8]> {
        self.messages
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, body)| body.as_slice())
    }
}

/// What a handshake showed in plaintext, from both sides.
#[derive(Debug, Clone, Default)]
pub struct HandshakeView {
    /// The client's flight.
    pub client: Flight,
    /// The server's flight.
    pub server: Flight,
}

impl HandshakeView {
    /// Reads both directions.
    pub fn from_streams(client_bytes: &[u8], server_bytes: &[u8]) -> Self {
        Self {
            client: Flight::read(client_bytes),
            server: Flight::read(server_bytes),
        }
    }

    /// The (last) ClientHello: after a HelloRetryRequest, the second one.
    pub fn client_hello(&self) -> Option<ClientHello> {
        self.client
            .find(handshake_type::CLIENT_HELLO)
            .last()
            .and_then(|body| ClientHello::read(body).ok())
    }

    /// The first ClientHello: what the client offered before any retry.
    pub fn first_client_hello(&self) -> Option<ClientHello> {
        self.client
            .find(handshake_type::CLIENT_HELLO)
            .next()
            .and_then(|body| ClientHello::read(body).ok())
    }

    /// The ServerHello that settled the handshake (not a HelloRetryRequest).
    pub fn server_hello(&self) -> Option<ServerHello> {
        self.server
            .find(handshake_type::SERVER_HELLO)
            .filter_map(|body| ServerHello::read(body).ok())
            .filter(|hello| !hello.is_retry_request)
            .last()
    }

    /// The key-exchange group: the TLS 1.3 key share, or the TLS 1.2 ServerKeyExchange curve
    /// or DH prime size.
    pub fn group(&self) -> Option<String> {
        let hello = self.server_hello()?;
        if let Some(group) = hello.key_share_group {
            return Some(group.to_string());
        }
        let info = registry::suite(hello.cipher_suite)?;
        let body = self
            .server
            .find(handshake_type::SERVER_KEY_EXCHANGE)
            .next()?;
        let exchange =
            ServerKeyExchange::read(body, info.kx, info.signs_key_exchange(), hello.version())
                .ok()?;
        Some(exchange.params.to_string())
    }

    /// A TLS ≤ 1.2 certificate chain as sent (DER), if it was in plaintext.
    pub fn server_certificates(&self) -> Vec<Vec<u8>> {
        self.server
            .find(handshake_type::CERTIFICATE)
            .next()
            .and_then(|body| codec::read_certificate_list(body).ok())
            .unwrap_or_default()
    }
}

/// Describes bytes that are not TLS: "an HTTP response (HTTP/1.1 400 Bad Request)", …
pub fn describe_non_tls(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    let first_line = text.lines().next().unwrap_or("").trim();
    let lower = text.to_ascii_lowercase();
    if text.starts_with("HTTP/") {
        format!("plain HTTP ({first_line})")
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        "plain HTTP (an HTML page without a status line)".to_string()
    } else if text.starts_with("SSH-") {
        format!("SSH ({first_line})")
    } else if text.starts_with("220") {
        format!("an SMTP/FTP greeting ({first_line})")
    } else if first_line.chars().all(|c| !c.is_control()) && !first_line.is_empty() {
        format!("text: \"{first_line}\"")
    } else {
        let hex: Vec<String> = head.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!("bytes {}", hex.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_hello_flight_reads_back() {
        let stream = include_bytes!("../../wire/testdata/client_hello_openssl.bin");
        let view = HandshakeView::from_streams(stream, b"");
        let hello = view.client_hello().expect("a ClientHello");
        assert_eq!(hello.server_name.as_deref(), Some("localhost"));
        assert!(view.server_hello().is_none());
    }

    #[test]
    fn a_server_alert_is_seen() {
        let view = HandshakeView::from_streams(b"", &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
        let alert = view.server.alert.expect("an alert");
        assert_eq!(alert.description.0, 40);
    }

    #[test]
    fn plain_http_is_not_tls() {
        let view = HandshakeView::from_streams(b"", b"HTTP/1.1 400 Bad Request\r\n\r\n");
        assert!(view.server.not_tls);
        assert_eq!(
            describe_non_tls(&view.server.head),
            "plain HTTP (HTTP/1.1 400 Bad Request)"
        );
    }
}
