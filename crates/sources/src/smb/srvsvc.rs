//! A share's own security descriptor (its "share permissions"), asked of the server's srvsvc
//! service: one DCE/RPC call, NetrShareGetInfo at level 502, over the IPC$ pipe `srvsvc`,
//! which libsmbclient opens like a file on the walk's own session (same logon, encryption and
//! port; that part is `datavakt-smb`'s). The messages are built and read here by hand, on
//! bytes only: a bind, one request, and the answer's few fields; every length is checked
//! against what arrived, nothing is trusted. No DCE/RPC crate fits: the maintained ones are
//! async clients with transports of their own, for the few fields this reads.

/// srvsvc, version 3.0 (MS-SRVS), as the bind names it: the UUID's first three fields
/// little-endian, then its last eight bytes.
const SRVSVC: [u8; 20] = [
    0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88,
    3, 0, 0, 0,
];
/// The NDR transfer syntax, version 2.
const NDR: [u8; 20] = [
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
    2, 0, 0, 0,
];

const BIND: u8 = 11;
const BIND_ACK: u8 = 12;
const REQUEST: u8 = 0;
const RESPONSE: u8 = 2;
const FAULT: u8 = 3;
const FIRST_FRAG: u8 = 0x01;
const LAST_FRAG: u8 = 0x02;
/// The opnum of NetrShareGetInfo.
const SHARE_GET_INFO: u16 = 16;
/// The largest fragment either side sends (the usual value for SMB pipes).
const MAX_FRAG: u16 = 4280;
/// An answer is assembled from at most this many bytes of fragments: a descriptor holds at
/// most 64 KiB, the rest of SHARE_INFO_502 is a few strings.
const MAX_ANSWER: usize = 256 * 1024;

/// The fragments of an answer to [`request`], put together as they arrive.
#[derive(Debug, Default)]
pub struct Answer {
    stub: Vec<u8>,
    read: usize,
}

impl Answer {
    /// Adds one fragment (a whole PDU, as [`fragment_len`] measured it): `Ok(true)` when it
    /// was the last, an error for a fault, for something that is not a response, and for
    /// fragments adding up to more than share information can be.
    pub fn add(&mut self, pdu: &[u8]) -> Result<bool, String> {
        // Counted with headers, so that empty fragments cannot go on for ever.
        self.read += pdu.len();
        if self.read > MAX_ANSWER {
            return Err("an answer too long to be share information".into());
        }
        match pdu.get(2) {
            Some(&RESPONSE) => {}
            Some(&FAULT) => {
                return Err(format!("the server answered with a fault ({})", fault(pdu)))
            }
            _ => return Err("an answer that is not a response".into()),
        }
        self.stub
            .extend_from_slice(pdu.get(24..).ok_or("a response without a body")?);
        Ok(pdu[3] & LAST_FRAG != 0)
    }

    /// The share's security descriptor, self-relative and binary, as the server keeps it:
    /// `Err` says why it could not be had (a server that keeps it from this user, a missing
    /// service).
    pub fn descriptor(&self) -> Result<Vec<u8>, String> {
        share_info_502(&self.stub)
    }
}

/// The length of a PDU from its 16-byte header, so that a pipe read asks for no more than the
/// message holds (and never waits for a message that will not come).
pub fn fragment_len(header: &[u8]) -> Result<usize, String> {
    let Some(h) = header.get(..16) else {
        return Err("a fragment shorter than its header".into());
    };
    if h[0] != 5 || h[4] & 0xf0 != 0x10 {
        return Err("an answer that is not little-endian DCE/RPC".into());
    }
    let len = usize::from(u16::from_le_bytes([h[8], h[9]]));
    if len < 16 {
        return Err("a fragment shorter than its header".into());
    }
    Ok(len)
}

/// The 16-byte common header of a PDU: version 5.0, little-endian data, no authentication.
fn header(kind: u8, len: usize, call: u32) -> Vec<u8> {
    let mut h = vec![5, 0, kind, FIRST_FRAG | LAST_FRAG, 0x10, 0, 0, 0];
    h.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(&call.to_le_bytes());
    h
}

/// A bind to srvsvc with one presentation context (id 0, NDR).
pub fn bind() -> Vec<u8> {
    let mut m = header(BIND, 72, 1);
    m.extend_from_slice(&MAX_FRAG.to_le_bytes());
    m.extend_from_slice(&MAX_FRAG.to_le_bytes());
    m.extend_from_slice(&0u32.to_le_bytes()); // new association group
    m.extend_from_slice(&[1, 0, 0, 0]); // one context
    m.extend_from_slice(&[0, 0, 1, 0]); // context 0, one transfer syntax
    m.extend_from_slice(&SRVSVC);
    m.extend_from_slice(&NDR);
    m
}

/// Whether the answer to [`bind`] is an acknowledgement that accepts the first context: after
/// the header and the fragment sizes and association group, a secondary address
/// (length-prefixed, padded to 4), then the results, the first of which must be 0 (acceptance).
pub fn bind_accepted(ack: &[u8]) -> bool {
    if ack.get(2) != Some(&BIND_ACK) {
        return false;
    }
    let Some(addr_len) = ack
        .get(24..26)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    else {
        return false;
    };
    let results = (26 + addr_len).next_multiple_of(4);
    let count = ack.get(results).copied().unwrap_or(0);
    let first = ack.get(results + 4..results + 6);
    count >= 1 && first == Some(&[0, 0][..])
}

/// NetrShareGetInfo(NULL, share, 502) in a request PDU.
pub fn request(share: &str) -> Result<Vec<u8>, String> {
    let name: Vec<u16> = share.encode_utf16().chain([0]).collect();
    if name.len() > 256 {
        return Err("a share name too long for srvsvc".into());
    }
    let count = name.len() as u32;
    let mut stub = Vec::new();
    stub.extend_from_slice(&0u32.to_le_bytes()); // no server name: this server
    for n in [count, 0, count] {
        // The name's conformant varying array: maximum, offset, length.
        stub.extend_from_slice(&n.to_le_bytes());
    }
    for c in name {
        stub.extend_from_slice(&c.to_le_bytes());
    }
    stub.resize(stub.len().next_multiple_of(4), 0);
    stub.extend_from_slice(&502u32.to_le_bytes());
    let mut m = header(REQUEST, 24 + stub.len(), 2);
    m.extend_from_slice(&(stub.len() as u32).to_le_bytes()); // allocation hint
    m.extend_from_slice(&0u16.to_le_bytes()); // context 0
    m.extend_from_slice(&SHARE_GET_INFO.to_le_bytes());
    m.extend_from_slice(&stub);
    Ok(m)
}

/// A fault's status in words where it is a common one.
fn fault(pdu: &[u8]) -> String {
    match pdu
        .get(24..28)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    {
        Some(5) => "access denied".into(),
        Some(0x1c010002) => "operation not supported".into(),
        Some(s) => format!("status {s:#x}"),
        None => "no status".into(),
    }
}

/// NDR reading: little-endian, aligned, bounded by the bytes that arrived.
struct Ndr<'a> {
    b: &'a [u8],
    at: usize,
}

impl Ndr<'_> {
    fn u32(&mut self) -> Result<u32, String> {
        self.at = self.at.next_multiple_of(4);
        let v = self
            .b
            .get(self.at..self.at + 4)
            .ok_or("share information cut short")?;
        self.at += 4;
        Ok(u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    }

    fn bytes(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .ok_or("share information cut short")?;
        let v = self
            .b
            .get(self.at..end)
            .ok_or("share information cut short")?;
        self.at = end;
        Ok(v)
    }

    /// Skips a string the answer points to (a conformant varying array of UTF-16).
    fn skip_string(&mut self) -> Result<(), String> {
        let max = self.u32()?;
        let offset = self.u32()?;
        let len = self.u32()?;
        if offset != 0 || len > max {
            return Err("a malformed string in the share information".into());
        }
        let n = usize::try_from(len).map_err(|_| "a string too long")? * 2;
        self.bytes(n)?;
        Ok(())
    }
}

/// The descriptor out of NetrShareGetInfo's answer: the union's level, a pointer to
/// SHARE_INFO_502 (name, type, remark, permissions, uses, path, password, descriptor size,
/// descriptor), the strings it points to, the descriptor's bytes, and the status.
pub(crate) fn share_info_502(stub: &[u8]) -> Result<Vec<u8>, String> {
    let mut r = Ndr { b: stub, at: 0 };
    let level = r.u32()?;
    let info = r.u32()?;
    if info == 0 || level != 502 {
        // No information comes with an error: its status is the last word.
        let status = stub
            .len()
            .checked_sub(4)
            .and_then(|at| stub.get(at..))
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .unwrap_or(0);
        return Err(match status {
            5 => "access denied (share permissions are shown to administrators)".into(),
            s => format!("no share information (status {s:#x})"),
        });
    }
    let name = r.u32()?;
    r.u32()?; // type
    let remark = r.u32()?;
    r.u32()?; // permissions
    r.u32()?; // max uses
    r.u32()?; // current uses
    let path = r.u32()?;
    let password = r.u32()?;
    let sd_size = r.u32()?;
    let sd = r.u32()?;
    for s in [name, remark, path, password] {
        if s != 0 {
            r.skip_string()?;
        }
    }
    // Samba 4.17 sends none to a user who cannot open its share database (any but root).
    let descriptor = if sd == 0 {
        None
    } else {
        let n = r.u32()?;
        if n != sd_size || n > 0x4_0000 {
            return Err("a descriptor whose sizes disagree".into());
        }
        Some(r.bytes(n as usize)?.to_vec())
    };
    match r.u32()? {
        0 => descriptor.ok_or_else(|| "the server sent none".into()),
        5 => Err("access denied (share permissions are shown to administrators)".into()),
        s => Err(format!("the server answered status {s:#x}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(v: u32) -> [u8; 4] {
        v.to_le_bytes()
    }

    /// An answer as a server builds it: "hr" for name, remark and path, `sd` as the descriptor.
    fn answer(sd: &[u8], status: u32) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend(le(502));
        a.extend(le(0x20000));
        for v in [
            0x20004,
            0,
            0x20008,
            0,
            u32::MAX,
            0,
            0x2000c,
            0,
            sd.len() as u32,
            0x20010,
        ] {
            a.extend(le(v));
        }
        for _ in 0..3 {
            a.extend(le(3));
            a.extend(le(0));
            a.extend(le(3));
            a.extend(b"h\0r\0\0\0\0\0");
        }
        a.extend(le(sd.len() as u32));
        a.extend(sd);
        a.resize(a.len().next_multiple_of(4), 0);
        a.extend(le(status));
        a
    }

    #[test]
    fn reads_the_descriptor_out_of_the_answer() {
        let sd = [
            1u8, 0, 4, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
        ];
        assert_eq!(share_info_502(&answer(&sd, 0)).unwrap(), sd);
        let e = share_info_502(&answer(&sd, 5)).unwrap_err();
        assert!(e.contains("access denied"), "{e}");
        // A refusal: no information, the status last.
        let mut refused = le(502).to_vec();
        refused.extend(le(0));
        refused.extend(le(5));
        assert!(share_info_502(&refused)
            .unwrap_err()
            .contains("access denied"));
        // Every cut and every flipped byte: an error or a descriptor, never a panic.
        let full = answer(&sd, 0);
        for n in 0..full.len() {
            assert!(share_info_502(&full[..n]).is_err(), "{n}");
            let mut bad = full.clone();
            bad[n] ^= 0xff;
            let _ = share_info_502(&bad);
        }
    }

    #[test]
    fn messages_are_well_formed() {
        let b = bind();
        assert_eq!(usize::from(u16::from_le_bytes([b[8], b[9]])), b.len());
        let r = request("hr").unwrap();
        assert_eq!(usize::from(u16::from_le_bytes([r[8], r[9]])), r.len());
        assert_eq!(r.len() % 4, 0);
        assert!(request(&"x".repeat(300)).is_err());
        // An acknowledgement with a secondary address of 13 bytes, then one accepted result.
        let mut ack = header(BIND_ACK, 0, 1);
        ack.extend([0; 8]);
        ack.extend(13u16.to_le_bytes());
        ack.extend(b"\\PIPE\\srvsvc\0");
        ack.resize(ack.len().next_multiple_of(4), 0);
        ack.extend([1, 0, 0, 0, 0, 0, 0, 0]);
        assert!(bind_accepted(&ack));
        let n = ack.len();
        ack[n - 4] = 2; // rejected
        assert!(!bind_accepted(&ack));
        for n in 0..ack.len() {
            assert!(!bind_accepted(&ack[..n]));
        }
    }
}
