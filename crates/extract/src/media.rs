//! Media that holds personal data without text to read: audio and video recordings (the
//! biggest leak in the incident reports) and photos carrying camera metadata. They are
//! recognised from their headers and reported as findings of their own kind.

/// What kind of medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Audio,
    Video,
    Image,
}

/// A recording or a camera photo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Media {
    /// `audio-recording`, `video-recording` or `camera-photo`.
    pub kind: &'static str,
    /// The container format: `wav`, `mp3`, `mp4`, `jpeg`, ...
    pub format: &'static str,
    pub duration_seconds: Option<f64>,
    /// Camera make and model, for photos.
    pub camera: Option<String>,
    /// When the photo was taken, as the camera wrote it.
    pub captured: Option<String>,
    /// Whether the photo carries a GPS position.
    pub gps: bool,
}

/// Every name `Media::kind` and `Media::format` can take, to turn names read back from a
/// worker process into static strings.
const NAMES: &[&str] = &[
    "audio-recording",
    "video-recording",
    "camera-photo",
    "wav",
    "avi",
    "mp3",
    "ogg",
    "opus",
    "flac",
    "amr",
    "m4a",
    "mov",
    "3gp",
    "mp4",
    "webm",
    "wmv",
    "jpeg",
    "png",
    "tiff",
    "gif",
    "bmp",
];

/// The static name equal to `s`, or `unknown`.
pub fn intern(s: &str) -> &'static str {
    NAMES
        .iter()
        .find(|n| **n == s)
        .copied()
        .unwrap_or("unknown")
}

/// Recognises an audio or video format from the first bytes.
pub fn media_format(head: &[u8]) -> Option<(MediaKind, &'static str)> {
    let at = |i: usize, m: &[u8]| head.len() >= i + m.len() && &head[i..i + m.len()] == m;
    let found = if at(0, b"RIFF") && at(8, b"WAVE") {
        (MediaKind::Audio, "wav")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        (MediaKind::Video, "avi")
    } else if at(0, b"ID3")
        || (head.len() > 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 && head[1] & 0x06 != 0)
    {
        (MediaKind::Audio, "mp3")
    } else if at(0, b"OggS") {
        let opus = memchr::memmem::find(&head[..head.len().min(256)], b"OpusHead").is_some();
        let video = memchr::memmem::find(&head[..head.len().min(256)], b"theora").is_some();
        match (opus, video) {
            (_, true) => (MediaKind::Video, "ogg"),
            (true, _) => (MediaKind::Audio, "opus"),
            _ => (MediaKind::Audio, "ogg"),
        }
    } else if at(0, b"fLaC") {
        (MediaKind::Audio, "flac")
    } else if at(0, b"#!AMR") {
        (MediaKind::Audio, "amr")
    } else if at(4, b"ftyp") {
        if at(8, b"M4A ") || at(8, b"M4B ") {
            (MediaKind::Audio, "m4a")
        } else if at(8, b"qt  ") {
            (MediaKind::Video, "mov")
        } else if at(8, b"3gp") {
            (MediaKind::Video, "3gp")
        } else {
            (MediaKind::Video, "mp4")
        }
    } else if at(0, b"\x1a\x45\xdf\xa3") {
        (MediaKind::Video, "webm")
    } else if at(0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11") {
        (MediaKind::Video, "wmv")
    } else {
        return None;
    };
    Some(found)
}

/// Recognises an image format from the first bytes.
pub fn image_format(head: &[u8]) -> Option<&'static str> {
    Some(if head.starts_with(b"\xff\xd8\xff") {
        "jpeg"
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if head.starts_with(b"II*\x00") || head.starts_with(b"MM\x00*") {
        "tiff"
    } else if head.starts_with(b"GIF8") {
        "gif"
    } else if head.starts_with(b"BM") && head.len() > 14 {
        "bmp"
    } else {
        return None;
    })
}

/// A recording, from its first bytes (the header is enough).
pub fn recording(kind: MediaKind, format: &'static str, head: &[u8]) -> Media {
    Media {
        kind: if kind == MediaKind::Video {
            "video-recording"
        } else {
            "audio-recording"
        },
        format,
        duration_seconds: if format == "wav" {
            wav_duration(head)
        } else {
            None
        },
        ..Media::default()
    }
}

/// Duration of a WAV file from its `fmt ` and `data` chunk headers.
fn wav_duration(h: &[u8]) -> Option<f64> {
    let u32_at = |i: usize| {
        h.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut i = 12;
    let mut byte_rate = None;
    while i + 8 <= h.len() {
        let id = &h[i..i + 4];
        let size = u32_at(i + 4)?;
        if id == b"fmt " {
            byte_rate = u32_at(i + 16);
        } else if id == b"data" {
            let rate = byte_rate.filter(|r| *r > 0)?;
            return Some(f64::from(size) / f64::from(rate));
        }
        i = i.checked_add(8 + size as usize + (size as usize & 1))?;
    }
    None
}

/// A photo with camera metadata (EXIF make, model, capture time or GPS), `None` for images
/// without any (scans, screenshots).
pub fn camera_photo(format: &'static str, data: &[u8]) -> Option<Media> {
    let exif = std::panic::catch_unwind(|| {
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(data))
            .ok()
    })
    .ok()
    .flatten()?;
    let text = |tag: exif::Tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .map(|f| {
                f.display_value()
                    .to_string()
                    .trim_matches('"')
                    .trim()
                    .to_string()
            })
            .filter(|s| !s.is_empty())
    };
    let camera = match (text(exif::Tag::Make), text(exif::Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.or(b),
    };
    let captured = text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime));
    let gps = exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_some();
    if camera.is_none() && captured.is_none() && !gps {
        return None;
    }
    Some(Media {
        kind: "camera-photo",
        format,
        camera,
        captured,
        gps,
        ..Media::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(seconds: u32) -> Vec<u8> {
        let rate = 8000u32;
        let data = rate * 2 * seconds;
        let mut v = b"RIFF".to_vec();
        v.extend_from_slice(&(36 + data).to_le_bytes());
        v.extend_from_slice(b"WAVEfmt ");
        v.extend_from_slice(&16u32.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes()); // PCM
        v.extend_from_slice(&1u16.to_le_bytes()); // mono
        v.extend_from_slice(&rate.to_le_bytes());
        v.extend_from_slice(&(rate * 2).to_le_bytes());
        v.extend_from_slice(&2u16.to_le_bytes());
        v.extend_from_slice(&16u16.to_le_bytes());
        v.extend_from_slice(b"data");
        v.extend_from_slice(&data.to_le_bytes());
        v
    }

    #[test]
    fn wav_recordings_have_a_duration() {
        let h = wav(42);
        assert_eq!(media_format(&h), Some((MediaKind::Audio, "wav")));
        let m = recording(MediaKind::Audio, "wav", &h);
        assert_eq!(m.kind, "audio-recording");
        assert_eq!(m.duration_seconds, Some(42.0));
        assert_eq!(
            recording(MediaKind::Audio, "wav", &h[..30]).duration_seconds,
            None
        );
    }

    #[test]
    fn formats_are_recognised() {
        assert_eq!(
            media_format(b"\x00\x00\x00\x18ftypM4A \x00"),
            Some((MediaKind::Audio, "m4a"))
        );
        assert_eq!(
            media_format(b"\x00\x00\x00\x18ftypisom\x00"),
            Some((MediaKind::Video, "mp4"))
        );
        assert_eq!(
            media_format(b"ID3\x04\x00"),
            Some((MediaKind::Audio, "mp3"))
        );
        assert_eq!(media_format(b"plain text"), None);
        assert_eq!(image_format(b"\x89PNG\r\n\x1a\n...."), Some("png"));
    }

    #[test]
    fn images_without_exif_are_not_camera_photos() {
        assert_eq!(camera_photo("jpeg", b"\xff\xd8\xff\xe0 not really"), None);
    }

    #[test]
    fn corpus_photos_and_recordings() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/files");
        let pics = std::path::Path::new(root).join("Users/anna.k/Pictures");
        let Ok(dir) = std::fs::read_dir(&pics) else {
            eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
            return;
        };
        let mut photos = 0;
        for e in dir.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            let m = camera_photo("jpeg", &data).expect("phone photos carry EXIF");
            assert!(m.camera.is_some());
            photos += 1;
        }
        assert_eq!(photos, 10);
        let rec = std::path::Path::new(root).join("Web/recordings/call_00000.wav");
        let data = std::fs::read(rec).unwrap();
        let m = recording(MediaKind::Audio, "wav", &data[..data.len().min(8192)]);
        assert!(m.duration_seconds.is_some_and(|d| d > 0.5), "{m:?}");
    }
}
