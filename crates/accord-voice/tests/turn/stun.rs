//! A minimal STUN/TURN client over UDP for the coturn test: Binding, and Allocate with
//! long-term credentials (RFC 8489 sections 9.2 and 14, RFC 8656 section 7): FINGERPRINT on
//! every request, MESSAGE-INTEGRITY on the authenticated ones.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

/// What a TURN server answered an authenticated Allocate.
#[derive(Debug)]
pub enum Allocation {
    /// Success, with the relayed transport address (XOR-RELAYED-ADDRESS).
    Granted(SocketAddr),
    /// An error response with this code (401 Unauthorized, 441 Wrong Credentials, ...).
    Refused(u16),
}

/// Runs RFC 8656's Allocate with long-term credentials: an unauthenticated Allocate draws a 401
/// with REALM and NONCE, then the Allocate is repeated with USERNAME, REALM, NONCE and
/// MESSAGE-INTEGRITY keyed with MD5(username:realm:password). A success must itself carry a
/// MESSAGE-INTEGRITY valid under that key, which proves the server derived the same password.
pub fn allocate(server: SocketAddr, username: &str, password: &str) -> Allocation {
    let socket = client_socket(Duration::from_secs(1));
    let request = Message::new(ALLOCATE_REQUEST).with(ATTR_REQUESTED_TRANSPORT, UDP.to_vec());
    let challenge = exchange_retrying(&socket, server, &request.encode(None));
    assert_eq!(challenge.error_code(), Some(401), "unauthenticated Allocate answers 401");
    let realm = challenge.attr(ATTR_REALM).expect("REALM in the 401").to_vec();
    let nonce = challenge.attr(ATTR_NONCE).expect("NONCE in the 401").to_vec();
    let realm_text = String::from_utf8(realm.clone()).expect("a UTF-8 realm");
    let key = Md5::digest(format!("{username}:{realm_text}:{password}")).to_vec();

    let request = Message::new(ALLOCATE_REQUEST)
        .with(ATTR_REQUESTED_TRANSPORT, UDP.to_vec())
        .with(ATTR_USERNAME, username.as_bytes().to_vec())
        .with(ATTR_REALM, realm)
        .with(ATTR_NONCE, nonce);
    let answer = exchange_retrying(&socket, server, &request.encode(Some(&key)));
    match answer.kind {
        ALLOCATE_SUCCESS => {
            assert!(answer.integrity_holds(&key), "the success carries a MESSAGE-INTEGRITY under the same key");
            let relayed = answer.attr(ATTR_XOR_RELAYED_ADDRESS).expect("XOR-RELAYED-ADDRESS");
            Allocation::Granted(xor_address(relayed))
        }
        ALLOCATE_ERROR => Allocation::Refused(answer.error_code().expect("ERROR-CODE")),
        other => panic!("unexpected STUN message type {other:#06x}"),
    }
}

/// Whether `server` answers a STUN Binding request with a success within `timeout`.
pub fn answers_binding(server: SocketAddr, timeout: Duration) -> bool {
    let socket = client_socket(timeout);
    let request = Message::new(BINDING_REQUEST).encode(None);
    exchange(&socket, server, &request).is_some_and(|answer| answer.kind == BINDING_SUCCESS)
}

fn client_socket(timeout: Duration) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a client UDP socket");
    socket.set_read_timeout(Some(timeout)).expect("a read timeout");
    socket
}

/// Sends a request and reads the answer with the same transaction id, or `None` on timeout.
fn exchange(socket: &UdpSocket, server: SocketAddr, request: &[u8]) -> Option<Message> {
    socket.send_to(request, server).expect("a sent datagram");
    let mut buf = [0u8; 2048];
    loop {
        let (len, from) = socket.recv_from(&mut buf).ok()?;
        match Message::decode(&buf[..len]) {
            Some(answer) if from == server && answer.transaction == request[8..20] => return Some(answer),
            _ => continue,
        }
    }
}

/// [`exchange`] with UDP's retransmissions: up to five tries.
fn exchange_retrying(socket: &UdpSocket, server: SocketAddr, request: &[u8]) -> Message {
    (0..5).find_map(|_| exchange(socket, server, request)).expect("an answer from the TURN server")
}

/// The address in an XOR-MAPPED/XOR-RELAYED-ADDRESS value (IPv4 only: the test stays on loopback).
fn xor_address(value: &[u8]) -> SocketAddr {
    assert_eq!(value[1], 0x01, "an IPv4 address");
    let port = u16::from_be_bytes([value[2], value[3]]) ^ (MAGIC_COOKIE >> 16) as u16;
    let ip = u32::from_be_bytes(value[4..8].try_into().unwrap()) ^ MAGIC_COOKIE;
    SocketAddr::from((ip.to_be_bytes(), port))
}

const MAGIC_COOKIE: u32 = 0x2112_A442;
const BINDING_REQUEST: u16 = 0x0001;
const BINDING_SUCCESS: u16 = 0x0101;
const ALLOCATE_REQUEST: u16 = 0x0003;
const ALLOCATE_SUCCESS: u16 = 0x0103;
const ALLOCATE_ERROR: u16 = 0x0113;
const ATTR_USERNAME: u16 = 0x0006;
const ATTR_MESSAGE_INTEGRITY: u16 = 0x0008;
const ATTR_ERROR_CODE: u16 = 0x0009;
const ATTR_REALM: u16 = 0x0014;
const ATTR_NONCE: u16 = 0x0015;
const ATTR_XOR_RELAYED_ADDRESS: u16 = 0x0016;
const ATTR_REQUESTED_TRANSPORT: u16 = 0x0019;
const ATTR_FINGERPRINT: u16 = 0x8028;
/// REQUESTED-TRANSPORT's value for UDP: protocol number 17, then three reserved bytes.
const UDP: [u8; 4] = [17, 0, 0, 0];

/// A STUN message: type, transaction id and attributes in order.
struct Message {
    kind: u16,
    transaction: [u8; 12],
    attrs: Vec<(u16, Vec<u8>)>,
    /// The raw bytes it was decoded from and where its MESSAGE-INTEGRITY starts, to check it.
    raw: Vec<u8>,
    integrity_at: Option<usize>,
}

impl Message {
    fn new(kind: u16) -> Self {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let seed = nanos ^ (u128::from(std::process::id()) << 64);
        let transaction = seed.to_le_bytes()[..12].try_into().unwrap();
        Self { kind, transaction, attrs: Vec::new(), raw: Vec::new(), integrity_at: None }
    }

    fn with(mut self, kind: u16, value: Vec<u8>) -> Self {
        self.attrs.push((kind, value));
        self
    }

    /// The wire form, with MESSAGE-INTEGRITY (HMAC-SHA1 under `key`) when a key is given, then
    /// FINGERPRINT; each covers the message before it with the length field counting it.
    fn encode(&self, key: Option<&[u8]>) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.kind.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
        out.extend_from_slice(&self.transaction);
        for (kind, value) in &self.attrs {
            push_attr(&mut out, *kind, value);
        }
        if let Some(key) = key {
            set_length(&mut out, 24);
            let mac = hmac_sha1(key, &out);
            push_attr(&mut out, ATTR_MESSAGE_INTEGRITY, &mac);
        }
        set_length(&mut out, 8);
        let fingerprint = crc32fast::hash(&out) ^ 0x5354_554E;
        push_attr(&mut out, ATTR_FINGERPRINT, &fingerprint.to_be_bytes());
        out
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < 20 || bytes[4..8] != MAGIC_COOKIE.to_be_bytes() {
            return None;
        }
        let (mut attrs, mut integrity_at) = (Vec::new(), None);
        let mut at = 20;
        while at + 4 <= bytes.len() {
            let kind = u16::from_be_bytes([bytes[at], bytes[at + 1]]);
            let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
            if kind == ATTR_MESSAGE_INTEGRITY && integrity_at.is_none() {
                integrity_at = Some(at);
            }
            attrs.push((kind, bytes.get(at + 4..at + 4 + len)?.to_vec()));
            at += 4 + len.next_multiple_of(4);
        }
        let kind = u16::from_be_bytes([bytes[0], bytes[1]]);
        let transaction = bytes[8..20].try_into().ok()?;
        Some(Self { kind, transaction, attrs, raw: bytes.to_vec(), integrity_at })
    }

    fn attr(&self, kind: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|(k, _)| *k == kind).map(|(_, v)| v.as_slice())
    }

    fn error_code(&self) -> Option<u16> {
        self.attr(ATTR_ERROR_CODE).map(|v| u16::from(v[2] & 0x07) * 100 + u16::from(v[3]))
    }

    /// Whether the MESSAGE-INTEGRITY of a decoded message is HMAC-SHA1 under `key` of the bytes
    /// before it, with the length field ending at it.
    fn integrity_holds(&self, key: &[u8]) -> bool {
        let (Some(mac), Some(at)) = (self.attr(ATTR_MESSAGE_INTEGRITY), self.integrity_at) else { return false };
        let mut covered = self.raw[..at].to_vec();
        set_length(&mut covered, 24);
        hmac_sha1(key, &covered) == mac
    }
}

fn push_attr(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// Sets the header's length to the attributes so far plus `extra` bytes still to come.
fn set_length(message: &mut [u8], extra: usize) {
    let len = (message.len() - 20 + extra) as u16;
    message[2..4].copy_from_slice(&len.to_be_bytes());
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}
