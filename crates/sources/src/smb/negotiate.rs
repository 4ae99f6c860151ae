//! Whether an SMB server offers SMB3 encryption, asked with an SMB2 NEGOTIATE of our own
//! (built and read here, on a plain TCP connection): libsmbclient 4.17 goes on unencrypted,
//! silently, when the server cannot encrypt, so its word is not taken for it.

use std::time::Duration;

/// Whether the server offers SMB3 encryption: one SMB2 NEGOTIATE (dialects 2.0.2 to 3.0.2,
/// the encryption capability asked for) on a connection of its own, closed before any logon.
/// A server that answers with dialect 3.0 or later and the encryption capability can encrypt;
/// anything else (no answer, an older dialect, a server that speaks only 3.1.1) counts as no,
/// which can only overstate the exposure.
pub fn offers_encryption(host: &str, port: u16, timeout: Duration) -> bool {
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    let Ok(addrs) = (host, port).to_socket_addrs() else {
        return false;
    };
    let Some(mut conn) = addrs
        .into_iter()
        .find_map(|a| TcpStream::connect_timeout(&a, timeout).ok())
    else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(timeout));
    let _ = conn.set_write_timeout(Some(timeout));
    if conn.write_all(&negotiate_request()).is_err() {
        return false;
    }
    // The answer: a 4-byte length (its first byte 0), then the SMB2 message.
    let mut head = [0u8; 4];
    if conn.read_exact(&mut head).is_err() || head[0] != 0 {
        return false;
    }
    let len = usize::from(head[1]) << 16 | usize::from(head[2]) << 8 | usize::from(head[3]);
    // Header and the fixed part of the answer are enough; a longer message is read only up to
    // that (the security blob after it does not matter).
    const NEED: usize = 64 + 28;
    if len < NEED {
        return false;
    }
    let mut msg = [0u8; NEED];
    if conn.read_exact(&mut msg).is_err() {
        return false;
    }
    negotiate_offers_encryption(&msg)
}

/// An SMB2 NEGOTIATE request with its 4-byte length prefix.
fn negotiate_request() -> Vec<u8> {
    const DIALECTS: [u16; 4] = [0x0202, 0x0210, 0x0300, 0x0302];
    let mut m = Vec::with_capacity(4 + 64 + 36 + 8);
    m.extend_from_slice(&[0; 4]);
    // Header: protocol id, structure size 64, credit charge, status, command 0 (negotiate),
    // one credit, flags, next command, message id 0, process id, tree id, session id,
    // signature.
    m.extend_from_slice(b"\xfeSMB");
    m.extend_from_slice(&64u16.to_le_bytes());
    m.extend_from_slice(&[0; 2 + 4]);
    m.extend_from_slice(&0u16.to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes());
    m.extend_from_slice(&[0; 4 + 4 + 8 + 4 + 4 + 8 + 16]);
    // Body: structure size 36, dialect count, signing enabled, reserved, capabilities
    // (encryption), client GUID, client start time, dialects.
    m.extend_from_slice(&36u16.to_le_bytes());
    m.extend_from_slice(&(DIALECTS.len() as u16).to_le_bytes());
    m.extend_from_slice(&1u16.to_le_bytes());
    m.extend_from_slice(&[0; 2]);
    m.extend_from_slice(&SMB2_CAP_ENCRYPTION.to_le_bytes());
    m.extend_from_slice(b"datavakt-probe!!");
    m.extend_from_slice(&[0; 8]);
    for d in DIALECTS {
        m.extend_from_slice(&d.to_le_bytes());
    }
    let len = (m.len() - 4) as u32;
    m[1..4].copy_from_slice(&len.to_be_bytes()[1..]);
    m
}

const SMB2_CAP_ENCRYPTION: u32 = 0x40;

/// Reads a NEGOTIATE answer (header and fixed body): a success for the negotiate command, with
/// dialect 3.0 or 3.0.2 and the encryption capability.
fn negotiate_offers_encryption(msg: &[u8]) -> bool {
    let u16_at = |i: usize| msg.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |i: usize| {
        msg.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let ok = msg.starts_with(b"\xfeSMB")
        && u16_at(4) == Some(64)
        && u32_at(8) == Some(0)
        && u16_at(12) == Some(0)
        && u16_at(64) == Some(65);
    let dialect = u16_at(64 + 4).unwrap_or(0);
    let caps = u32_at(64 + 24).unwrap_or(0);
    ok && (0x0300..0x0311).contains(&dialect) && caps & SMB2_CAP_ENCRYPTION != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiate_answers() {
        let req = negotiate_request();
        assert_eq!(usize::from(req[3]) + 4, req.len());
        assert_eq!(&req[4..8], b"\xfeSMB");
        let answer = |dialect: u16, caps: u32| {
            let mut m = vec![0u8; 64 + 28];
            m[..4].copy_from_slice(b"\xfeSMB");
            m[4..6].copy_from_slice(&64u16.to_le_bytes());
            m[64..66].copy_from_slice(&65u16.to_le_bytes());
            m[68..70].copy_from_slice(&dialect.to_le_bytes());
            m[88..92].copy_from_slice(&caps.to_le_bytes());
            m
        };
        assert!(negotiate_offers_encryption(&answer(0x0302, 0x40)));
        assert!(negotiate_offers_encryption(&answer(0x0300, 0x47)));
        assert!(!negotiate_offers_encryption(&answer(0x0302, 0x07)));
        assert!(!negotiate_offers_encryption(&answer(0x0210, 0x40)));
        let mut failed = answer(0x0302, 0x40);
        failed[8] = 0x22; // a status other than success
        assert!(!negotiate_offers_encryption(&failed));
        for n in 0..answer(0x0302, 0x40).len() {
            assert!(!negotiate_offers_encryption(&answer(0x0302, 0x40)[..n]));
        }
        assert!(!negotiate_offers_encryption(&[0xff; 92]));
    }
}
