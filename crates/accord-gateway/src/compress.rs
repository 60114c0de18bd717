//! Transport compression, one context per connection: `zlib-stream` (a deflate stream
//! flushed with Z_SYNC_FLUSH after each message, so each ends in `00 00 ff ff`) and
//! `zstd-stream` (one zstd stream, flushed per message). Without either, text frames.
//! Per-payload compression (`identify.compress`) is never used.

use std::io::Write;

use axum::extract::ws::Message;
use flate2::{Compress, Compression as Level, FlushCompress};

pub enum Compression {
    None,
    Zlib(Box<Compress>),
    Zstd(Box<zstd::stream::write::Encoder<'static, Vec<u8>>>),
}

impl Compression {
    /// From the `compress` query parameter; unknown values fall back to text frames.
    pub fn from_query(value: Option<&str>) -> Self {
        match value {
            Some("zlib-stream") => Self::Zlib(Box::new(Compress::new(Level::fast(), true))),
            Some("zstd-stream") => match zstd_encoder() {
                Ok(encoder) => Self::Zstd(Box::new(encoder)),
                Err(_) => Self::None,
            },
            _ => Self::None,
        }
    }

    /// One gateway message as one WebSocket message.
    pub fn encode(&mut self, frame: String) -> std::io::Result<Message> {
        match self {
            Self::None => Ok(Message::Text(frame.into())),
            Self::Zlib(c) => Ok(Message::Binary(deflate_sync(c, frame.as_bytes())?.into())),
            Self::Zstd(encoder) => {
                encoder.write_all(frame.as_bytes())?;
                encoder.flush()?;
                Ok(Message::Binary(std::mem::take(encoder.get_mut()).into()))
            }
        }
    }
}

/// A zstd stream sized for many connections: level 1 and a 64 KiB window keep the context
/// near 100 KiB, where level 3's default window costs about 1 MiB per connection.
fn zstd_encoder() -> std::io::Result<zstd::stream::write::Encoder<'static, Vec<u8>>> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 1)?;
    encoder.window_log(16)?;
    Ok(encoder)
}

/// Deflates `input` and sync-flushes, growing the output until the flush completes.
fn deflate_sync(c: &mut Compress, mut input: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let before = c.total_in();
        c.compress_vec(input, &mut out, FlushCompress::Sync).map_err(std::io::Error::other)?;
        input = &input[(c.total_in() - before) as usize..];
        if input.is_empty() && out.len() < out.capacity() {
            return Ok(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn bytes(m: Message) -> Vec<u8> {
        match m {
            Message::Binary(b) => b.to_vec(),
            other => panic!("expected binary, got {other:?}"),
        }
    }

    #[test]
    fn zlib_stream_messages_end_with_the_sync_marker_and_inflate_as_one_stream() {
        let mut c = Compression::from_query(Some("zlib-stream"));
        let frames = ["{\"op\":10}".to_owned(), "x".repeat(50_000)];
        let mut stream = Vec::new();
        for f in &frames {
            let b = bytes(c.encode(f.clone()).unwrap());
            assert_eq!(&b[b.len() - 4..], &[0, 0, 0xff, 0xff]);
            stream.extend(b);
        }
        let mut inflated = String::new();
        let mut d = flate2::read::ZlibDecoder::new(&stream[..]);
        let _ = d.read_to_string(&mut inflated);
        assert_eq!(inflated, frames.concat());
    }

    #[test]
    fn zstd_stream_messages_decode_in_order() {
        let mut c = Compression::from_query(Some("zstd-stream"));
        let mut d = zstd::stream::raw::Decoder::new().unwrap();
        for f in ["{\"op\":10}".to_owned(), "y".repeat(10_000)] {
            let b = bytes(c.encode(f.clone()).unwrap());
            let mut out = vec![0u8; f.len() + 64];
            let status = zstd::stream::raw::Operation::run_on_buffers(&mut d, &b, &mut out).unwrap();
            assert_eq!(&out[..status.bytes_written], f.as_bytes());
        }
        assert!(matches!(Compression::from_query(Some("bogus")), Compression::None));
    }
}
