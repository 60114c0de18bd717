//! An Ogg Opus writer (RFC 7845 over RFC 3533) that wraps one participant's Opus packets, as
//! they arrive in RTP and without decoding them, into a complete `.opus` file built in memory.
//!
//! Layout: page 0 holds only the OpusHead packet (BOS), page 1 only OpusTags, then audio pages.
//! A page takes packets until the next one would push its body past 4 KiB or its lacing table
//! past 255 entries; a packet longer than one page continues on the next (continued flag). Each
//! page's granule position is the 48 kHz sample count at the end of the last packet that
//! completes on it (-1 when none does), and the last page carries EOS.

/// Samples a player drops from the start of the decoded audio. A recording starts in the middle
/// of a participant's Opus stream, which is exactly the "cropped stream" case for which RFC 7845
/// section 5.1 recommends at least 3840 (80 ms) so the decoder converges first; 312 is only an
/// encoder's own look-ahead when it starts a stream, which does not apply here.
pub const PRE_SKIP: u16 = 3840;

/// The longest duration an Opus packet may have: 120 ms at 48 kHz (RFC 6716 section 3.2.5).
const MAX_PACKET_SAMPLES: u64 = 5760;
/// A page takes no further packet once its body would exceed this (libogg's own target).
const PAGE_BODY_TARGET: usize = 4096;
/// Lacing values per page: the segment count is one byte.
const MAX_SEGMENTS: usize = 255;
const HEADER_LEN: usize = 27;
const CONTINUED: u8 = 0x01;
const BOS: u8 = 0x02;
const EOS: u8 = 0x04;
/// Where OpusHead's pre-skip sits in the file: page 0's header, its one lacing value, then
/// "OpusHead", version and channel count.
const PRE_SKIP_AT: usize = HEADER_LEN + 1 + 10;
/// TOC-only packets (one zero-length CELT fullband frame: libopus's DTX form, which a decoder
/// conceals and fades to silence) by frame size, longest first, to fill gaps.
const GAP_PACKETS: [(u8, u64); 4] = [(31 << 3, 960), (30 << 3, 480), (29 << 3, 240), (28 << 3, 120)];

/// Builds one Ogg Opus file from raw Opus packets.
pub struct OggOpusWriter {
    /// The complete pages written so far.
    out: Vec<u8>,
    /// Where the last complete page starts in `out`, so `finish` can mark it EOS when no page
    /// follows it (a recording without audio ends on its OpusTags page).
    last_page: usize,
    serial: u32,
    /// Sequence number of the next page.
    sequence: u32,
    /// Samples (48 kHz) at the end of the last packet pushed.
    samples: u64,
    /// The page being filled: its lacing values and body.
    lacing: Vec<u8>,
    body: Vec<u8>,
    /// Whether that page begins with the rest of a packet started on the previous page.
    continued: bool,
    /// Its granule position: the end of the last packet completed on it, if any.
    granule: Option<u64>,
}

impl OggOpusWriter {
    /// Starts a file for the logical stream `serial` whose output has `channels` channels.
    /// Mapping family 0 (mono or stereo, what WebRTC sends) allows only 1 or 2, so other values
    /// are clamped.
    pub fn new(serial: u32, channels: u8) -> Self {
        let mut writer = Self {
            out: Vec::new(),
            last_page: 0,
            serial,
            sequence: 0,
            samples: 0,
            lacing: Vec::new(),
            body: Vec::new(),
            continued: false,
            granule: None,
        };
        writer.append(&opus_head(channels.clamp(1, 2)), 0);
        writer.flush(BOS);
        writer.append(&opus_tags(), 0);
        writer.flush(0);
        writer
    }

    /// Adds one Opus packet, unchanged. Its duration comes from its TOC byte; a packet whose
    /// duration cannot be known (empty, a code 3 packet without its frame count, no frames or
    /// over 120 ms) is skipped, since it would corrupt the timeline and a decoder rejects it.
    pub fn push(&mut self, packet: &[u8]) {
        let Some(samples) = packet_samples(packet) else { return };
        self.samples += samples;
        self.append(packet, self.samples);
    }

    /// Keeps the timeline through `samples` (48 kHz) without audio (a muted or silent
    /// participant, lost packets), so a participant's file stays aligned with the others'. It
    /// writes TOC-only packets, which decoders conceal (fading to silence) exactly as they do
    /// libopus's DTX packets; the gap is rounded down to a multiple of 2.5 ms. Not calling it
    /// simply leaves the silence out.
    pub fn push_gap(&mut self, samples: u64) {
        let mut left = samples;
        for (toc, size) in GAP_PACKETS {
            for _ in 0..left / size {
                self.push(&[toc]);
            }
            left %= size;
        }
    }

    /// Samples (48 kHz) of audio pushed so far, gaps included.
    pub fn duration_samples(&self) -> u64 {
        self.samples
    }

    /// Ends the stream: the last page gets the EOS flag. A recording shorter than [`PRE_SKIP`]
    /// gets a pre-skip of its own length, so its final granule position never falls below the
    /// pre-skip (it then plays as empty, as it would have anyway).
    pub fn finish(mut self) -> Vec<u8> {
        if self.lacing.is_empty() {
            let last = self.last_page;
            self.out[last + 5] |= EOS;
            seal(&mut self.out[last..]);
        } else {
            self.flush(EOS);
        }
        if self.samples < u64::from(PRE_SKIP) {
            // `samples` is below PRE_SKIP, so it fits in 16 bits.
            self.out[PRE_SKIP_AT..PRE_SKIP_AT + 2].copy_from_slice(&(self.samples as u16).to_le_bytes());
            let head_page_len = HEADER_LEN + 1 + usize::from(self.out[HEADER_LEN]);
            seal(&mut self.out[..head_page_len]);
        }
        self.out
    }

    /// Adds a packet to the page being filled, flushing first when it would not fit and
    /// continuing it on new pages when it fills one. `granule` is the sample count at its end.
    fn append(&mut self, packet: &[u8], granule: u64) {
        let segments = packet.len() / 255 + 1;
        let too_long = self.body.len() + packet.len() > PAGE_BODY_TARGET;
        if !self.lacing.is_empty() && (too_long || self.lacing.len() + segments > MAX_SEGMENTS) {
            self.flush(0);
        }
        let mut rest = packet;
        loop {
            let take = rest.len().min(255);
            self.lacing.push(take as u8);
            self.body.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if take < 255 {
                self.granule = Some(granule);
                return;
            }
            if self.lacing.len() == MAX_SEGMENTS {
                self.flush(0);
                self.continued = true;
            }
        }
    }

    /// Writes the page being filled, with `flags` besides the continued flag.
    fn flush(&mut self, flags: u8) {
        let start = self.out.len();
        let flags = flags | if self.continued { CONTINUED } else { 0 };
        self.out.extend_from_slice(b"OggS");
        self.out.extend_from_slice(&[0, flags]);
        self.out.extend_from_slice(&self.granule.unwrap_or(u64::MAX).to_le_bytes());
        self.out.extend_from_slice(&self.serial.to_le_bytes());
        self.out.extend_from_slice(&self.sequence.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]);
        self.out.push(self.lacing.len() as u8);
        self.out.append(&mut self.lacing);
        self.out.append(&mut self.body);
        seal(&mut self.out[start..]);
        self.last_page = start;
        self.sequence += 1;
        self.continued = false;
        self.granule = None;
    }
}

/// The duration of an Opus packet in 48 kHz samples, from its TOC byte (RFC 6716 section 3.1):
/// the configuration gives the frame size, the code the frame count (code 3 reads it from the
/// next byte). `None` when it cannot be known or breaks the 120 ms limit.
pub fn packet_samples(packet: &[u8]) -> Option<u64> {
    let (&toc, rest) = packet.split_first()?;
    let config = usize::from(toc >> 3);
    let frame: u64 = match config {
        0..=11 => [480, 960, 1920, 2880][config % 4], // SILK-only: 10, 20, 40, 60 ms
        12..=15 => [480, 960][config % 2],            // hybrid: 10, 20 ms
        _ => [120, 240, 480, 960][config % 4],        // CELT-only: 2.5, 5, 10, 20 ms
    };
    let frames = match toc & 0b11 {
        0 => 1,
        1 | 2 => 2,
        _ => u64::from(rest.first()? & 0x3F),
    };
    let samples = frame * frames;
    (frames > 0 && samples <= MAX_PACKET_SAMPLES).then_some(samples)
}

/// The identification header (RFC 7845 section 5.1): version 1, input rate 48 kHz (the RTP
/// clock; the original rate is unknown), no output gain, mapping family 0.
fn opus_head(channels: u8) -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, channels]);
    head.extend_from_slice(&PRE_SKIP.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

/// The comment header (RFC 7845 section 5.2): vendor "Accord", no comments.
fn opus_tags() -> Vec<u8> {
    const VENDOR: &[u8] = b"Accord";
    let mut tags = b"OpusTags".to_vec();
    tags.extend_from_slice(&(VENDOR.len() as u32).to_le_bytes());
    tags.extend_from_slice(VENDOR);
    tags.extend_from_slice(&0u32.to_le_bytes());
    tags
}

/// Sets a page's CRC: Ogg's CRC-32 (polynomial 0x04C11DB7, initial value 0, not reflected, no
/// final xor: not zlib's) over the whole page with the CRC field zeroed.
fn seal(page: &mut [u8]) {
    page[22..26].fill(0);
    let crc = page.iter().fold(0u32, |crc, &byte| (crc << 8) ^ CRC_TABLE[usize::from((crc >> 24) as u8 ^ byte)]);
    page[22..26].copy_from_slice(&crc.to_le_bytes());
}

/// The CRC of each byte value, for the byte-at-a-time loop in [`seal`].
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut r = (i as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            r = if r & 0x8000_0000 != 0 { (r << 1) ^ 0x04C1_1DB7 } else { r << 1 };
            bit += 1;
        }
        table[i] = r;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests;
