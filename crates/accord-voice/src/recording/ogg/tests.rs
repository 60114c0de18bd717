//! Tests of the Ogg Opus writer. Files are read back two independent ways: the `ogg` crate
//! (which checks every page CRC and reassembles packets) and a page walker below with its own
//! bit-by-bit CRC, which checks flags, sequence numbers and granule positions.

use std::io::Cursor;

use super::*;

/// One page as written, from [`pages`].
struct Page {
    flags: u8,
    granule: u64,
    serial: u32,
    sequence: u32,
    lacing: Vec<u8>,
    body: Vec<u8>,
}

/// Splits a file into pages, checking capture pattern, version and CRC on the way.
fn pages(file: &[u8]) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut at = 0;
    while at < file.len() {
        let header = &file[at..at + 27];
        assert_eq!(&header[..4], b"OggS", "capture pattern at {at}");
        assert_eq!(header[4], 0, "stream structure version");
        let count = usize::from(header[26]);
        let lacing = file[at + 27..at + 27 + count].to_vec();
        let body_len: usize = lacing.iter().map(|&l| usize::from(l)).sum();
        let end = at + 27 + count + body_len;
        let mut page = file[at..end].to_vec();
        let stored = u32::from_le_bytes(page[22..26].try_into().unwrap());
        page[22..26].fill(0);
        assert_eq!(bitwise_crc(&page), stored, "CRC of the page at {at}");
        pages.push(Page {
            flags: header[5],
            granule: u64::from_le_bytes(header[6..14].try_into().unwrap()),
            serial: u32::from_le_bytes(header[14..18].try_into().unwrap()),
            sequence: u32::from_le_bytes(header[18..22].try_into().unwrap()),
            lacing,
            body: file[end - body_len..end].to_vec(),
        });
        at = end;
    }
    pages
}

/// Ogg's CRC-32 one bit at a time, straight from RFC 3533's description.
fn bitwise_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &byte in data {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 { (crc << 1) ^ 0x04C1_1DB7 } else { crc << 1 };
        }
    }
    crc
}

/// Every packet of a file, in order, through the `ogg` crate, with the granule position of the
/// page each one ends on when it is the last packet completed there.
fn read_packets(file: &[u8]) -> Vec<(Vec<u8>, Option<u64>)> {
    let mut reader = ogg::PacketReader::new(Cursor::new(file));
    let mut packets = Vec::new();
    while let Some(packet) = reader.read_packet().expect("a valid Ogg stream") {
        let granule = packet.last_in_page().then(|| packet.absgp_page());
        packets.push((packet.data, granule));
    }
    packets
}

/// A packet of `len` bytes with TOC `toc` and arbitrary (deterministic) payload.
fn packet(toc: u8, len: usize) -> Vec<u8> {
    let mut bytes = vec![toc];
    bytes.extend((1..len).map(|i| (i * 7 + len) as u8));
    bytes
}

#[test]
fn toc_durations_follow_the_rfc_6716_table() {
    // (TOC byte, following bytes, samples at 48 kHz)
    let cases: [(u8, &[u8], u64); 12] = [
        (0x00, &[], 480),            // config 0, SILK NB 10 ms, code 0
        (0x08, &[], 960),            // config 1, SILK NB 20 ms
        (0x58, &[], 2880),           // config 11, SILK WB 60 ms
        (0x78, &[], 960),            // config 15, hybrid FB 20 ms
        (0x70, &[], 480),            // config 14, hybrid FB 10 ms
        (0x80, &[], 120),            // config 16, CELT NB 2.5 ms
        (0xFC, &[], 960),            // config 31, CELT FB 20 ms, stereo
        (0xFD, &[0; 3], 1920),       // code 1: two frames
        (0x7A, &[0; 3], 1920),       // code 2: two frames
        (0xFB, &[0x03], 2880),       // code 3, three 20 ms frames
        (0xFB, &[0xC6], 5760),       // code 3, VBR and padding flags masked off: six frames, 120 ms
        (0xE3, &[0x30, 0, 0], 5760), // config 28, 48 frames of 2.5 ms
    ];
    for (toc, rest, samples) in cases {
        let mut bytes = vec![toc];
        bytes.extend_from_slice(rest);
        assert_eq!(packet_samples(&bytes), Some(samples), "TOC {toc:#04x}");
    }
}

#[test]
fn packets_without_a_knowable_duration_have_none() {
    assert_eq!(packet_samples(&[]), None, "empty");
    assert_eq!(packet_samples(&[0xFB]), None, "code 3 without its count byte");
    assert_eq!(packet_samples(&[0xFB, 0x00]), None, "no frames");
    assert_eq!(packet_samples(&[0x1B, 0x03]), None, "three 60 ms frames: over 120 ms");
}

#[test]
fn reads_back_headers_and_every_packet_in_order() {
    let sizes =
        [(0x78, 1), (0xFC, 100), (0x78, 254), (0x78, 255), (0xFD, 256), (0x08, 510), (0x78, 1000), (0xFB, 1275)];
    let sent: Vec<Vec<u8>> = sizes.into_iter().map(|(toc, len)| packet(toc, len)).collect();
    let mut writer = OggOpusWriter::new(0x1234_5678, 2);
    for p in &sent {
        writer.push(p);
    }
    let expected_samples: u64 = sent.iter().map(|p| packet_samples(p).unwrap()).sum();
    assert_eq!(writer.duration_samples(), expected_samples);

    let packets = read_packets(&writer.finish());

    let head = [b"OpusHead".as_slice(), &[1, 2], &3840u16.to_le_bytes(), &48_000u32.to_le_bytes(), &[0, 0, 0]].concat();
    assert_eq!(packets[0], (head, Some(0)));
    let tags = [b"OpusTags".as_slice(), &6u32.to_le_bytes(), b"Accord", &0u32.to_le_bytes()].concat();
    assert_eq!(packets[1], (tags, Some(0)));
    let audio: Vec<&Vec<u8>> = packets[2..].iter().map(|(data, _)| data).collect();
    assert_eq!(audio, sent.iter().collect::<Vec<_>>());
    assert_eq!(packets.last().unwrap().1, Some(expected_samples));
}

#[test]
fn pages_carry_flags_sequence_and_the_granule_of_their_last_packet() {
    let mut writer = OggOpusWriter::new(7, 1);
    let mut ends = Vec::new();
    for i in 0..400 {
        let toc = if i % 3 == 0 { 0xFD } else { 0x78 };
        writer.push(&packet(toc, 40 + i % 300));
        ends.push(writer.duration_samples());
    }
    let file = writer.finish();

    let pages = pages(&file);

    assert!(pages.len() > 10, "400 packets of up to 340 bytes span many 4 KiB pages");
    let mut completed = 0;
    let mut previous = 0;
    for (i, page) in pages.iter().enumerate() {
        assert_eq!((page.serial, page.sequence), (7, i as u32));
        let bos = if i == 0 { BOS } else { 0 };
        let eos = if i == pages.len() - 1 { EOS } else { 0 };
        assert_eq!(page.flags, bos | eos, "flags of page {i}");
        assert!(page.lacing.len() <= 255 && page.body.len() <= PAGE_BODY_TARGET, "page {i} within limits");
        if i >= 2 {
            completed += page.lacing.iter().filter(|&&l| l < 255).count();
            assert_eq!(page.granule, ends[completed - 1], "granule of page {i}");
            assert!(page.granule > previous, "granules increase");
            previous = page.granule;
        } else {
            assert_eq!(page.granule, 0, "header pages have granule 0");
        }
    }
    assert_eq!(completed, 400);
    assert_eq!(pages[0].body.len(), 19, "OpusHead alone on the first page");
    assert!(pages[1].body.starts_with(b"OpusTags"), "OpusTags alone on the second page");
}

#[test]
fn a_packet_longer_than_a_page_continues_on_the_next() {
    let big = packet(0x78, 70_000);
    let mut writer = OggOpusWriter::new(1, 2);
    writer.push(&packet(0x78, 10));
    writer.push(&big);
    writer.push(&packet(0x78, 10));
    let file = writer.finish();

    let pages = pages(&file);
    let packets = read_packets(&file);

    // Head, tags, the first small packet, the big packet's first 255 segments (no packet ends
    // there: granule -1), its last 20 (past 4 KiB, so the second small packet takes a new page).
    assert_eq!(pages.len(), 6);
    assert_eq!((pages[2].flags, pages[2].granule), (0, 960));
    assert_eq!((pages[3].flags, pages[3].granule, pages[3].lacing.len()), (0, u64::MAX, 255));
    assert_eq!((pages[4].flags, pages[4].granule, pages[4].lacing.len()), (CONTINUED, 1920, 20));
    assert_eq!((pages[5].flags, pages[5].granule), (EOS, 2880));
    assert_eq!(packets[3].0, big);
    assert_eq!(packets.len(), 5);
}

#[test]
fn a_recording_without_audio_ends_on_an_eos_tags_page() {
    let mut writer = OggOpusWriter::new(9, 2);
    writer.push(&[]);
    let file = writer.finish();

    let pages = pages(&file);

    assert_eq!(pages.len(), 2);
    assert_eq!((pages[0].flags, pages[1].flags, pages[1].granule), (BOS, EOS, 0));
    assert_eq!(read_packets(&file).len(), 2);
    assert_eq!(&pages[0].body[10..12], &0u16.to_le_bytes(), "pre-skip cut to the zero-length recording");
}

#[test]
fn pre_skip_is_80_ms_unless_the_recording_is_shorter() {
    let pre_skip = |packets: usize| {
        let mut writer = OggOpusWriter::new(1, 1);
        for _ in 0..packets {
            writer.push(&packet(0x78, 60));
        }
        let file = writer.finish();
        u16::from_le_bytes(pages(&file)[0].body[10..12].try_into().unwrap())
    };

    assert_eq!(pre_skip(50), 3840);
    assert_eq!(pre_skip(3), 2880);
}

#[test]
fn gaps_become_toc_only_packets_rounded_down_to_2_5_ms() {
    let mut writer = OggOpusWriter::new(1, 2);
    writer.push(&packet(0x78, 80));
    writer.push_gap(960 * 2 + 480 + 120 + 100);
    let file = writer.finish();

    let audio: Vec<Vec<u8>> = read_packets(&file).into_iter().skip(3).map(|(data, _)| data).collect();
    assert_eq!(audio, [vec![0xF8], vec![0xF8], vec![0xF0], vec![0xE0]]);
    let total: u64 = audio.iter().map(|p| packet_samples(p).unwrap()).sum();
    assert_eq!(total, 960 * 2 + 480 + 120);
}

/// `opusinfo` (opus-tools) parses the headers and every packet's TOC and checks granule
/// positions against them; skipped where it is not installed.
#[test]
fn opusinfo_accepts_the_file_when_installed() {
    let mut writer = OggOpusWriter::new(42, 2);
    for i in 0..300 {
        writer.push(&packet(0xFC, 100 + i % 200));
    }
    writer.push_gap(48_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("recording.opus");
    std::fs::write(&path, writer.finish()).expect("file written");

    let Ok(output) = std::process::Command::new("opusinfo").arg(&path).output() else {
        eprintln!("skipped: opusinfo is not installed (Debian package opus-tools)");
        return;
    };

    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{text}");
    assert!(!text.contains("WARNING") && !text.contains("ERROR"), "{text}");
    assert!(text.contains("Playback length: 0m:06.919s"), "7 s minus 80 ms of pre-skip: {text}");
}
