//! Security descriptors in libsmbclient's text form (the `system.nt_sec_desc.*` attribute),
//! parsed by hand with strict bounds, and who they let read an item.
//!
//! The form is `REVISION:1,OWNER:S-1-…,GROUP:S-1-…,ACL:S-1-…:TYPE/FLAGS/0xMASK,…`, with
//! names instead of SIDs in the `*+` variant. Anything else is an error, never a guess: a
//! wrong guess would understate who can read. The numeric form decides; the named form only
//! lends names, and only when it lines up with the numeric one entry for entry (a name with a
//! comma or colon in it would make it ambiguous).

use std::collections::HashMap;
use std::fmt;

use crate::exposure::{Audience, Exposure, Transport};

/// Past this the text is not a security descriptor (a Windows ACL holds at most 64 KiB).
pub const MAX_TEXT: usize = 256 * 1024;
/// At most this many entries (a 64 KiB ACL holds fewer than 4,000 of the smallest).
const MAX_ACES: usize = 4096;
/// A SID has at most 15 sub-authorities.
const MAX_SUBS: usize = 15;

/// A security identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sid {
    authority: u64,
    subs: Vec<u32>,
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S-1-{}", self.authority)?;
        for s in &self.subs {
            write!(f, "-{s}")?;
        }
        Ok(())
    }
}

impl Sid {
    /// Parses `S-1-A-S1-S2…` (revision 1, authority below 2^48, at most 15 sub-authorities).
    pub fn parse(s: &str) -> Result<Sid, String> {
        let bad = || format!("not a SID: {}", shorten(s));
        let rest = s
            .strip_prefix("S-1-")
            .or_else(|| s.strip_prefix("s-1-"))
            .ok_or_else(bad)?;
        let mut parts = rest.split('-');
        let authority = parts
            .next()
            .and_then(decimal)
            .filter(|a| *a < 1 << 48)
            .ok_or_else(bad)?;
        let mut subs = Vec::new();
        for p in parts {
            if subs.len() == MAX_SUBS {
                return Err(format!("SID with more than {MAX_SUBS} parts"));
            }
            let v = decimal(p)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(bad)?;
            subs.push(v);
        }
        Ok(Sid { authority, subs })
    }

    fn is(&self, authority: u64, subs: &[u32]) -> bool {
        self.authority == authority && self.subs == subs
    }

    /// The relative id of an account in a domain (`S-1-5-21-X-Y-Z-RID`).
    fn domain_rid(&self) -> Option<u32> {
        match self.subs.as_slice() {
            [21, _, _, _, rid] if self.authority == 5 => Some(*rid),
            _ => None,
        }
    }
}

/// Plain decimal digits only (no sign, no spaces), as libsmbclient writes them.
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// One access control entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ace<P> {
    pub who: P,
    pub kind: u8,
    pub flags: u8,
    pub mask: u32,
}

/// A security descriptor: owner, group and DACL entries, by SID (`P = Sid`) or by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sd<P> {
    pub owner: Option<P>,
    pub group: Option<P>,
    pub aces: Vec<Ace<P>>,
}

/// Parses the text form; `who` turns an owner, group or entry principal into `P`.
fn parse_with<P>(text: &[u8], who: impl Fn(&str) -> Result<P, String>) -> Result<Sd<P>, String> {
    if text.len() > MAX_TEXT {
        return Err(format!("{} bytes, too long", text.len()));
    }
    let text = std::str::from_utf8(text).map_err(|_| "not UTF-8".to_string())?;
    let mut revision = None;
    let (mut owner, mut group) = (None, None);
    let mut aces = Vec::new();
    let fields = text
        .split([',', '\t', '\n'])
        .filter(|f| !f.is_empty() && *f != "\r");
    for field in fields {
        let (key, value) = field
            .split_once(':')
            .ok_or_else(|| format!("field without a name: {}", shorten(field)))?;
        let once = |slot: &mut Option<Option<P>>, what: &str| -> Result<(), String> {
            if slot.is_some() {
                return Err(format!("two {what} fields"));
            }
            *slot = Some(if value.is_empty() {
                None
            } else {
                Some(who(value)?)
            });
            Ok(())
        };
        match key {
            "REVISION" => {
                if revision.replace(value).is_some() {
                    return Err("two REVISION fields".into());
                }
                if value != "1" {
                    return Err(format!("revision {}, not 1", shorten(value)));
                }
            }
            "OWNER" => once(&mut owner, "OWNER")?,
            "GROUP" => once(&mut group, "GROUP")?,
            "ACL" => {
                if aces.len() == MAX_ACES {
                    return Err(format!("more than {MAX_ACES} entries"));
                }
                aces.push(parse_ace(value, &who)?);
            }
            other => return Err(format!("unknown field {}", shorten(other))),
        }
    }
    if revision.is_none() {
        return Err("no REVISION field".into());
    }
    Ok(Sd {
        owner: owner.flatten(),
        group: group.flatten(),
        aces,
    })
}

/// `WHO:TYPE/FLAGS/0xMASK`; the principal is everything before the last colon.
fn parse_ace<P>(value: &str, who: &impl Fn(&str) -> Result<P, String>) -> Result<Ace<P>, String> {
    let bad = || format!("not an entry: {}", shorten(value));
    let (principal, rights) = value.rsplit_once(':').ok_or_else(bad)?;
    let mut r = rights.split('/');
    let (Some(kind), Some(flags), Some(mask), None) = (r.next(), r.next(), r.next(), r.next())
    else {
        return Err(bad());
    };
    let kind = decimal(kind)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(bad)?;
    let flags = decimal(flags)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or_else(bad)?;
    let mask = mask
        .strip_prefix("0x")
        .filter(|m| !m.is_empty() && m.len() <= 8 && m.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|m| u32::from_str_radix(m, 16).ok())
        .ok_or_else(bad)?;
    if principal.is_empty() {
        return Err(bad());
    }
    Ok(Ace {
        who: who(principal)?,
        kind,
        flags,
        mask,
    })
}

/// Parses the numeric form (`system.nt_sec_desc.*`).
pub fn parse(text: &[u8]) -> Result<Sd<Sid>, String> {
    parse_with(text, Sid::parse)
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i.checked_add(2)?)
        .map(|v| u16::from_le_bytes([v[0], v[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i.checked_add(4)?)
        .map(|v| u32::from_le_bytes([v[0], v[1], v[2], v[3]]))
}

/// A binary SID at `at`: revision 1, a count of at most 15, a 6-byte big-endian authority,
/// then the sub-authorities.
fn sid_at(b: &[u8], at: usize) -> Option<Sid> {
    let head = b.get(at..at.checked_add(8)?)?;
    let n = usize::from(head[1]);
    if head[0] != 1 || n > MAX_SUBS {
        return None;
    }
    let authority = head[2..8].iter().fold(0u64, |a, x| a << 8 | u64::from(*x));
    let subs = (0..n)
        .map(|k| u32_at(b, at + 8 + 4 * k))
        .collect::<Option<Vec<u32>>>()?;
    Some(Sid { authority, subs })
}

/// Parses a self-relative binary security descriptor (MS-DTYP 2.4.6), as srvsvc sends a
/// share's; `Ok(None)` when it has no DACL (a null DACL: no limit at all). Entries other than
/// allow and deny (audits, alarms) grant nothing and are left out.
pub fn parse_binary(b: &[u8]) -> Result<Option<Sd<Sid>>, String> {
    const SE_DACL_PRESENT: u16 = 0x0004;
    const SE_SELF_RELATIVE: u16 = 0x8000;
    let bad = |what: &str| format!("share descriptor: {what}");
    let control = u16_at(b, 2).ok_or_else(|| bad("too short"))?;
    if b[0] != 1 || control & SE_SELF_RELATIVE == 0 {
        return Err(bad("not a self-relative revision 1 descriptor"));
    }
    let offset = |i| u32_at(b, i).and_then(|o| usize::try_from(o).ok());
    let (Some(owner_at), Some(dacl_at)) = (offset(4), offset(16)) else {
        return Err(bad("too short"));
    };
    let owner = match owner_at {
        0 => None,
        at => Some(sid_at(b, at).ok_or_else(|| bad("a malformed owner"))?),
    };
    if control & SE_DACL_PRESENT == 0 || dacl_at == 0 {
        return Ok(None);
    }
    let (Some(size), Some(count)) = (u16_at(b, dacl_at + 2), u16_at(b, dacl_at + 4)) else {
        return Err(bad("a DACL cut short"));
    };
    let acl = b
        .get(dacl_at..dacl_at + usize::from(size))
        .filter(|a| a.len() >= 8 && matches!(a[0], 2 | 4))
        .ok_or_else(|| bad("a malformed DACL"))?;
    let mut aces = Vec::new();
    let mut at = 8;
    for _ in 0..count {
        let (Some(head), Some(len)) = (acl.get(at..at + 2), u16_at(acl, at + 2)) else {
            return Err(bad("an entry cut short"));
        };
        let ace = acl
            .get(at..at + usize::from(len))
            .filter(|a| a.len() >= 8)
            .ok_or_else(|| bad("an entry cut short"))?;
        let (kind, flags) = (head[0], head[1]);
        // The SID follows the mask, and for object entries their flags and the GUIDs those
        // flags announce.
        let sid_offset = match kind {
            ACCESS_ALLOWED | ACCESS_DENIED | ACCESS_ALLOWED_CALLBACK | ACCESS_DENIED_CALLBACK => {
                Some(8)
            }
            ACCESS_ALLOWED_OBJECT | ACCESS_DENIED_OBJECT | ACCESS_ALLOWED_CALLBACK_OBJECT => {
                u32_at(ace, 8).map(|f| 12 + 16 * (f & 1) as usize + 16 * (f >> 1 & 1) as usize)
            }
            _ => None,
        };
        if let Some(o) = sid_offset {
            let (Some(mask), Some(who)) = (u32_at(ace, 4), sid_at(ace, o)) else {
                return Err(bad("a malformed entry"));
            };
            aces.push(Ace {
                who,
                kind,
                flags,
                mask,
            });
        }
        at += usize::from(len);
    }
    Ok(Some(Sd {
        owner,
        group: None,
        aces,
    }))
}

/// Names for the SIDs of `sd` from the named form (`system.nt_sec_desc.*+`) of the same
/// descriptor; empty when the two do not line up (or the names are mere SIDs again).
pub fn names(sd: &Sd<Sid>, named: &[u8]) -> Vec<(Sid, String)> {
    let Ok(n) = parse_with(named, |s| Ok(s.to_string())) else {
        return vec![];
    };
    let same_shape = n.aces.len() == sd.aces.len()
        && n.owner.is_some() == sd.owner.is_some()
        && n.group.is_some() == sd.group.is_some()
        && sd
            .aces
            .iter()
            .zip(&n.aces)
            .all(|(a, b)| (a.kind, a.flags, a.mask) == (b.kind, b.flags, b.mask));
    if !same_shape {
        return vec![];
    }
    let pairs = [(&sd.owner, &n.owner), (&sd.group, &n.group)];
    let mut out: Vec<(Sid, String)> = pairs
        .into_iter()
        .filter_map(|(s, n)| Some((s.clone()?, n.clone()?)))
        .chain(
            sd.aces
                .iter()
                .zip(n.aces)
                .map(|(a, b)| (a.who.clone(), b.who)),
        )
        .filter(|(s, n)| Sid::parse(n).ok().as_ref() != Some(s) && !n.trim().is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------------
// Who may read

const ACCESS_ALLOWED: u8 = 0;
const ACCESS_DENIED: u8 = 1;
const ACCESS_ALLOWED_OBJECT: u8 = 5;
const ACCESS_DENIED_OBJECT: u8 = 6;
const ACCESS_ALLOWED_CALLBACK: u8 = 9;
const ACCESS_DENIED_CALLBACK: u8 = 10;
const ACCESS_ALLOWED_CALLBACK_OBJECT: u8 = 11;

/// The entry is only inherited by children; it does not apply to the item itself.
const INHERIT_ONLY: u8 = 0x08;

/// Reading data (`FILE_READ_DATA`, which is `FILE_LIST_DIRECTORY` for a folder), or rights
/// that include it.
const READ_BITS: u32 = 0x0000_0001 | 0x8000_0000 | 0x1000_0000;

/// What a principal is, as far as exposure goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Guests and anonymous logons: anyone who can reach the server.
    Guests,
    /// Every account (Everyone, Authenticated Users, Users, Domain Users).
    Everyone,
    /// A named group or user.
    Named,
    /// The owner, administrators and the system.
    Owner,
}

fn class(s: &Sid, owner: Option<&Sid>) -> Class {
    if Some(s) == owner {
        return Class::Owner;
    }
    let wide = s.is(1, &[0]) // Everyone
        || s.is(5, &[11]) // Authenticated Users
        || s.is(5, &[2]) // Network logons
        || s.is(5, &[4]) // Interactive logons
        || s.is(5, &[32, 545]) // BUILTIN\Users
        || s.domain_rid() == Some(513); // Domain Users
    let guests = s.is(5, &[7]) // Anonymous Logon
        || s.is(5, &[32, 546]) // BUILTIN\Guests
        || matches!(s.domain_rid(), Some(501 | 514)); // Guest, Domain Guests
    let owner_like = s.is(3, &[0]) // CREATOR OWNER
        || s.is(3, &[4]) // OWNER RIGHTS
        || s.is(5, &[18]) // SYSTEM
        || s.is(5, &[32, 544]) // BUILTIN\Administrators
        || s.is(5, &[32, 551]) // Backup Operators read everything anyway
        || s.is(22, &[1, 0]) // Samba's Unix User\root
        || matches!(s.domain_rid(), Some(500 | 512 | 518 | 519)); // Administrator, admins
    if guests {
        Class::Guests
    } else if wide {
        Class::Everyone
    } else if owner_like {
        Class::Owner
    } else {
        Class::Named
    }
}

/// How a principal is written in `principals`: `group:` or `user:` when the SID says which it
/// is, `account:` when only the server's directory knows.
fn kind_prefix(s: &Sid) -> &'static str {
    if s.authority == 22 && s.subs.first() == Some(&1) {
        "user"
    } else if (s.authority == 22 && s.subs.first() == Some(&2))
        || (s.authority == 5 && s.subs.first() == Some(&32))
        || matches!(s.domain_rid(), Some(512..=527))
    {
        "group"
    } else if matches!(s.domain_rid(), Some(500 | 501)) {
        "user"
    } else {
        "account"
    }
}

/// Names that need no lookup.
fn well_known(s: &Sid) -> Option<&'static str> {
    Some(if s.is(1, &[0]) {
        "Everyone"
    } else if s.is(5, &[11]) {
        "Authenticated Users"
    } else if s.is(5, &[7]) {
        "Anonymous Logon"
    } else if s.is(5, &[32, 545]) {
        "BUILTIN\\Users"
    } else if s.is(5, &[32, 546]) {
        "BUILTIN\\Guests"
    } else if s.is(5, &[32, 544]) {
        "BUILTIN\\Administrators"
    } else if s.is(5, &[18]) {
        "SYSTEM"
    } else {
        return None;
    })
}

/// The principals of `sd` that would need a name lookup to be shown by name in its exposure.
pub fn wants_names(sd: &Sd<Sid>, known: &HashMap<Sid, String>) -> bool {
    let (readers, _) = readers(sd);
    let owner_only = readers
        .iter()
        .all(|s| class(s, sd.owner.as_ref()) == Class::Owner);
    let shown = readers
        .iter()
        .copied()
        .filter(|s| class(s, sd.owner.as_ref()) == Class::Named)
        .chain(sd.owner.iter().filter(|_| owner_only));
    shown
        .into_iter()
        .any(|s| well_known(s).is_none() && !known.contains_key(s))
}

/// The SIDs that may read, in the order of the DACL, and whether a deny entry took read from
/// everyone. A deny for a SID removes only that SID's later allows (a deny for a group does not
/// narrow Everyone: the judgement is an upper bound, as for local files).
fn readers(sd: &Sd<Sid>) -> (Vec<&Sid>, bool) {
    let mut denied: Vec<&Sid> = Vec::new();
    let mut out: Vec<&Sid> = Vec::new();
    for a in &sd.aces {
        if a.flags & INHERIT_ONLY != 0 || a.mask & READ_BITS == 0 {
            continue;
        }
        match a.kind {
            ACCESS_DENIED | ACCESS_DENIED_OBJECT | ACCESS_DENIED_CALLBACK => {
                if a.who.is(1, &[0]) {
                    return (out, true);
                }
                denied.push(&a.who);
            }
            ACCESS_ALLOWED
            | ACCESS_ALLOWED_OBJECT
            | ACCESS_ALLOWED_CALLBACK
            | ACCESS_ALLOWED_CALLBACK_OBJECT
                if !denied.contains(&&a.who) && !out.contains(&&a.who) =>
            {
                out.push(&a.who);
            }
            // Audit and alarm entries grant nothing; repeated allows add no one.
            _ => {}
        }
    }
    (out, false)
}

/// Who may read an item whose security descriptor is `sd`, reached over a session that is
/// `transport`; `guests` says whether the share lets guests (or anonymous sessions) in, and
/// `names` names the SIDs the server resolved.
pub fn judge(
    sd: &Sd<Sid>,
    guests: bool,
    names: &HashMap<Sid, String>,
    transport: Transport,
) -> Exposure {
    judge_as(sd, "DACL", guests, names, transport)
}

/// [`judge`], with `via` naming the descriptor `what` (the item's DACL, the share's ACL).
fn judge_as(
    sd: &Sd<Sid>,
    what: &str,
    guests: bool,
    names: &HashMap<Sid, String>,
    transport: Transport,
) -> Exposure {
    let name = |s: &Sid| -> String {
        well_known(s)
            .map(str::to_string)
            .or_else(|| names.get(s).cloned())
            .unwrap_or_else(|| s.to_string())
    };
    // Group sizes would need the domain's directory: not known here.
    let exposure = |audience, via: String, principals| Exposure {
        audience,
        via,
        principals,
        size: None,
        transport,
        listed_by: None,
    };
    if sd.aces.is_empty() {
        // A null DACL lets everyone in, an empty one no one but the owner: the text form
        // shows both as no entries at all.
        return exposure(
            Audience::Unknown,
            "no access control entries (a null DACL, open to all, and an empty one look alike)"
                .into(),
            vec![],
        );
    }
    let (readers, everyone_denied) = readers(sd);
    let owner = sd.owner.as_ref();
    let widest = readers.iter().map(|s| class(s, owner)).min();
    let share = if guests {
        "; the share admits guests"
    } else {
        ""
    };
    let list = |c: Class| -> Vec<String> {
        readers
            .iter()
            .filter(|s| class(s, owner) == c)
            .map(|s| name(s))
            .collect()
    };
    match widest {
        Some(Class::Guests) => exposure(
            if guests {
                Audience::Public
            } else {
                Audience::Organisation
            },
            format!("{what} lets {} read{share}", list(Class::Guests).join(", ")),
            vec![],
        ),
        Some(Class::Everyone) => exposure(
            if guests {
                Audience::Public
            } else {
                Audience::Organisation
            },
            format!(
                "{what} lets {} read{share}",
                list(Class::Everyone).join(", ")
            ),
            vec![],
        ),
        Some(Class::Named) => {
            let mut principals: Vec<String> = readers
                .iter()
                .filter(|s| class(s, owner) == Class::Named)
                .map(|s| format!("{}:{}", kind_prefix(s), name(s)))
                .collect();
            principals.sort();
            principals.dedup();
            exposure(
                Audience::Group,
                format!("{what} lets {} read", list(Class::Named).join(", ")),
                principals,
            )
        }
        Some(Class::Owner) | None => {
            let who = match owner {
                Some(o) => vec![format!("user:{}", name(o))],
                None => vec![],
            };
            let via = if everyone_denied {
                format!("{what} denies Everyone reading")
            } else {
                format!("{what} lets only the owner and administrators read")
            };
            exposure(Audience::Owner, via, who)
        }
    }
}

/// A share's own permissions, as far as the walk could read them.
pub enum ShareAcl {
    /// No DACL: the share limits no one.
    Open,
    /// The share's DACL.
    Limited(Sd<Sid>),
    /// Not read: why.
    Unknown(String),
}

/// How narrow an audience is; an unknown one narrows nothing.
fn narrowness(a: Audience) -> u8 {
    match a {
        Audience::Public | Audience::Unknown => 0,
        Audience::Organisation => 1,
        Audience::Group => 2,
        Audience::Owner => 3,
    }
}

/// `item` (an item's exposure from its own DACL) within the share's permissions: one must pass
/// both to read, so the narrower wins, the item's on a tie (two lists of groups would need
/// their members to be intersected: the item's is kept, an upper bound either way).
pub fn within_share(
    item: Exposure,
    share: &ShareAcl,
    guests: bool,
    names: &HashMap<Sid, String>,
) -> Exposure {
    let sd = match share {
        ShareAcl::Open => return item,
        ShareAcl::Limited(sd) => sd,
        ShareAcl::Unknown(why) => {
            let via = format!("{}; share permissions could not be read ({why})", item.via);
            return Exposure { via, ..item };
        }
    };
    if item.audience == Audience::Unknown {
        return item;
    }
    let gate = if sd.aces.is_empty() {
        // In binary form an empty DACL is what it says: no one.
        Exposure {
            audience: Audience::Owner,
            via: "share ACL lets no one in".into(),
            ..item.clone()
        }
    } else {
        judge_as(sd, "share ACL", guests, names, item.transport)
    };
    if narrowness(gate.audience) <= narrowness(item.audience) {
        return item;
    }
    Exposure {
        audience: gate.audience,
        via: format!("{}; {}", gate.via, item.via),
        // The share's owner is no reader of the item; only groups and users it names are.
        principals: match gate.audience {
            Audience::Group => gate.principals,
            _ => vec![],
        },
        size: None,
        transport: item.transport,
        listed_by: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOM: &str = "S-1-5-21-1-2-3";

    fn sd(text: &str) -> Sd<Sid> {
        parse(text.as_bytes()).unwrap()
    }

    fn judged(text: &str, guests: bool) -> Exposure {
        judge(&sd(text), guests, &HashMap::new(), Transport::Smb)
    }

    #[test]
    fn sids_round_trip_and_reject_garbage() {
        for s in ["S-1-1-0", "S-1-5-21-1-2-3-1001", "S-1-22-2-1000", "S-1-5"] {
            assert_eq!(Sid::parse(s).unwrap().to_string(), s);
        }
        for s in [
            "",
            "S-1-",
            "S-2-1-0",
            "S-1-1--0",
            "S-1-x",
            "S-1-1-+5",
            "S-1-1- 5",
            "S-1-281474976710656",
            "S-1-5-4294967296",
            "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
            "S-1-99999999999999999999999",
        ] {
            assert!(Sid::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn parses_what_libsmbclient_writes() {
        let t = format!(
            "REVISION:1,OWNER:{DOM}-1000,GROUP:S-1-22-2-0,ACL:{DOM}-1000:0/0/0x001f01ff,\
             ACL:S-1-22-2-0:0/0/0x00120089,ACL:S-1-1-0:0/0/0x00120089"
        );
        let s = sd(&t);
        assert_eq!(s.owner.as_ref().unwrap().to_string(), format!("{DOM}-1000"));
        assert_eq!(s.aces.len(), 3);
        assert_eq!(s.aces[1].mask, 0x120089);
        // Tabs and newlines separate fields too; an empty owner is none.
        let s = sd("REVISION:1\nOWNER:\tGROUP:S-1-1-0\n");
        assert_eq!(s.owner, None);
        assert!(s.aces.is_empty());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let long = "ACL:S-1-1-0:0/0/0x1,".repeat(MAX_ACES + 1);
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"OWNER:S-1-1-0".to_vec(),
            b"REVISION:2".to_vec(),
            b"REVISION:1,REVISION:1".to_vec(),
            b"REVISION:1,OWNER:S-1-1-0,OWNER:S-1-1-0".to_vec(),
            b"REVISION:1,FOO:bar".to_vec(),
            b"REVISION:1,ACL:S-1-1-0".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:0/0".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:0/0/0x1/4".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:256/0/0x1".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:0/0/1".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:0/0/0x123456789".to_vec(),
            b"REVISION:1,ACL:S-1-1-0:0/0/0x".to_vec(),
            b"REVISION:1,ACL::0/0/0x1".to_vec(),
            b"REVISION:1,ACL:Everyone:0/0/0x1".to_vec(),
            b"REVISION:1,noseparator".to_vec(),
            b"REVISION:1,\xff\xfe".to_vec(),
            format!("REVISION:1,{long}").into_bytes(),
            vec![b'A'; MAX_TEXT + 1],
        ];
        for c in cases {
            assert!(parse(&c).is_err(), "{:?}", String::from_utf8_lossy(&c));
        }
        // Random bytes: never a panic.
        let mut x: u32 = 0x1234_5678;
        for len in 0..400 {
            let mut b = b"REVISION:1,ACL:S-1-".to_vec();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                b.push(b"0123456789-:/,xS"[(x % 16) as usize]);
            }
            let _ = parse(&b);
            let _ = names(&sd("REVISION:1"), &b);
        }
    }

    #[test]
    fn everyone_and_friends_are_the_organisation() {
        for who in ["S-1-1-0", "S-1-5-11", "S-1-5-32-545", &format!("{DOM}-513")] {
            let e = judged(
                &format!("REVISION:1,OWNER:{DOM}-1000,ACL:{who}:0/0/0x00120089"),
                false,
            );
            assert_eq!(e.audience, Audience::Organisation, "{who}");
            assert!(e.principals.is_empty());
            assert_eq!(e.transport, Transport::Smb);
        }
        // With guests let in, everyone is anyone.
        let e = judged("REVISION:1,ACL:S-1-1-0:0/0/0x00120089", true);
        assert_eq!(e.audience, Audience::Public);
        assert!(e.via.contains("admits guests"), "{}", e.via);
        let e = judged("REVISION:1,ACL:S-1-5-7:0/0/0x80000000", true);
        assert_eq!(e.audience, Audience::Public);
    }

    #[test]
    fn named_groups_are_named() {
        let t = format!(
            "REVISION:1,OWNER:{DOM}-1000,ACL:{DOM}-1000:0/0/0x001f01ff,\
             ACL:S-1-22-2-1234:0/0/0x00120089,ACL:S-1-22-1-77:0/0/0x00000001,\
             ACL:S-1-5-32-544:0/0/0x001f01ff"
        );
        let e = judged(&t, false);
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:S-1-22-2-1234", "user:S-1-22-1-77"]);
        let mut names = HashMap::new();
        names.insert(
            Sid::parse("S-1-22-2-1234").unwrap(),
            "Unix Group\\hr".to_string(),
        );
        let e = judge(&sd(&t), false, &names, Transport::Smb3Encrypted);
        assert_eq!(e.principals[0], "group:Unix Group\\hr");
        assert!(e.via.contains("Unix Group\\hr"), "{}", e.via);
        assert_eq!(e.transport, Transport::Smb3Encrypted);
        assert!(wants_names(&sd(&t), &names));
    }

    #[test]
    fn owner_and_administrators_only() {
        let t = format!(
            "REVISION:1,OWNER:{DOM}-1000,ACL:{DOM}-1000:0/0/0x001f01ff,\
             ACL:S-1-5-18:0/0/0x001f01ff,ACL:S-1-5-32-544:0/0/0x001f01ff,\
             ACL:S-1-22-2-1234:0/0/0x00000000,ACL:S-1-1-0:0/11/0x001f01ff"
        );
        // Rights without read and inherit-only entries do not count.
        let e = judged(&t, true);
        assert_eq!(e.audience, Audience::Owner);
        assert_eq!(e.principals, [format!("user:{DOM}-1000")]);
    }

    #[test]
    fn deny_entries() {
        // Everyone denied first: no one else reads.
        let e = judged(
            "REVISION:1,ACL:S-1-1-0:1/0/0x00000001,ACL:S-1-22-2-5:0/0/0x00000001",
            false,
        );
        assert_eq!(e.audience, Audience::Owner);
        assert!(e.via.contains("denies"), "{}", e.via);
        // A group denied before its own allow; others still read.
        let e = judged(
            "REVISION:1,ACL:S-1-22-2-5:1/0/0x1,ACL:S-1-22-2-5:0/0/0x1,ACL:S-1-22-2-6:0/0/0x1",
            false,
        );
        assert_eq!(e.principals, ["group:S-1-22-2-6"]);
        // Denying a group does not narrow Everyone (an upper bound).
        let e = judged(
            "REVISION:1,ACL:S-1-22-2-5:1/0/0x1,ACL:S-1-1-0:0/0/0x1",
            false,
        );
        assert_eq!(e.audience, Audience::Organisation);
        // No entries at all: cannot tell.
        assert_eq!(judged("REVISION:1", false).audience, Audience::Unknown);
    }

    #[test]
    fn names_line_up_or_are_dropped() {
        let n = sd("REVISION:1,OWNER:S-1-22-1-5,ACL:S-1-22-1-5:0/0/0x1,ACL:S-1-22-2-9:0/0/0x1");
        let got = names(
            &n,
            b"REVISION:1,OWNER:HOST\\alice,ACL:HOST\\alice:0/0/0x1,ACL:Unix Group\\hr:0/0/0x1",
        );
        assert_eq!(
            got,
            [
                (Sid::parse("S-1-22-1-5").unwrap(), "HOST\\alice".to_string()),
                (
                    Sid::parse("S-1-22-2-9").unwrap(),
                    "Unix Group\\hr".to_string()
                ),
            ]
        );
        // A name with a comma splits an entry: the shapes differ, no names.
        let got = names(
            &n,
            b"REVISION:1,OWNER:HOST\\alice,ACL:HOST\\alice:0/0/0x1,ACL:Unix Group\\h,r:0/0/0x1",
        );
        assert!(got.is_empty());
        // Unresolved names come back as SIDs: nothing learnt.
        let got = names(
            &n,
            b"REVISION:1,OWNER:S-1-22-1-5,ACL:S-1-22-1-5:0/0/0x1,ACL:S-1-22-2-9:0/0/0x1",
        );
        assert!(got.is_empty());
    }

    /// A self-relative descriptor with a DACL of allow entries (`SID`, mask), as srvsvc sends.
    fn binary(aces: &[(&str, u32)]) -> Vec<u8> {
        let sid = |s: &str| {
            let s = Sid::parse(s).unwrap();
            let mut b = vec![1, s.subs.len() as u8];
            b.extend(&s.authority.to_be_bytes()[2..]);
            for x in s.subs {
                b.extend(x.to_le_bytes());
            }
            b
        };
        let mut acl = Vec::new();
        for (who, mask) in aces {
            let w = sid(who);
            acl.extend([0, 0]);
            acl.extend((8 + w.len() as u16).to_le_bytes());
            acl.extend(mask.to_le_bytes());
            acl.extend(w);
        }
        let mut b = vec![1, 0];
        b.extend(0x8004u16.to_le_bytes());
        b.extend([0; 12]);
        b.extend(20u32.to_le_bytes());
        b.extend([2, 0]);
        b.extend((8 + acl.len() as u16).to_le_bytes());
        b.extend((aces.len() as u16).to_le_bytes());
        b.extend([0, 0]);
        b.extend(acl);
        b
    }

    #[test]
    fn binary_descriptors() {
        let b = binary(&[
            ("S-1-22-2-1234", 0x001200a9),
            (&format!("{DOM}-500"), 0x001f01ff),
        ]);
        let s = parse_binary(&b).unwrap().unwrap();
        assert_eq!(s.owner, None);
        assert_eq!(s.aces.len(), 2);
        assert_eq!(s.aces[0].who.to_string(), "S-1-22-2-1234");
        assert_eq!(s.aces[1].mask, 0x001f01ff);
        // No DACL at all: no limit.
        let mut open = b.clone();
        open[2] = 0;
        assert!(parse_binary(&open).unwrap().is_none());
        // Every cut and every flipped byte: an error or a descriptor, never a panic.
        for n in 0..b.len() {
            let _ = parse_binary(&b[..n]);
            let mut bad = b.clone();
            bad[n] ^= 0xff;
            let _ = parse_binary(&bad);
        }
        assert!(parse_binary(&b[..30]).is_err());
        assert!(parse_binary(&[]).is_err());
    }

    #[test]
    fn share_permissions_narrow_items() {
        let names = HashMap::new();
        let item = |t: &str| judged(t, false);
        let everyone = "REVISION:1,ACL:S-1-1-0:0/0/0x00120089";
        let limited =
            |aces: &[(&str, u32)]| ShareAcl::Limited(parse_binary(&binary(aces)).unwrap().unwrap());
        // The share lets only a group in: an item Everyone may read is that group's.
        let hr = limited(&[("S-1-22-2-1234", 0x001200a9), ("S-1-5-32-544", 0x001f01ff)]);
        let e = within_share(item(everyone), &hr, false, &names);
        assert_eq!(e.audience, Audience::Group);
        assert_eq!(e.principals, ["group:S-1-22-2-1234"]);
        assert_eq!(
            e.via,
            "share ACL lets S-1-22-2-1234 read; DACL lets Everyone read"
        );
        // A narrower item keeps its own verdict; so does a tie between two lists of groups.
        let own = format!("REVISION:1,OWNER:{DOM}-1000,ACL:{DOM}-1000:0/0/0x001f01ff");
        assert_eq!(within_share(item(&own), &hr, false, &names), item(&own));
        let other = "REVISION:1,ACL:S-1-22-2-99:0/0/0x1";
        assert_eq!(within_share(item(other), &hr, false, &names), item(other));
        // A share open to Everyone, or without a DACL, narrows nothing.
        let all = limited(&[("S-1-1-0", 0x001f01ff)]);
        assert_eq!(
            within_share(item(everyone), &all, false, &names),
            item(everyone)
        );
        assert_eq!(
            within_share(item(everyone), &ShareAcl::Open, false, &names),
            item(everyone)
        );
        // One that lets no one in, or only administrators: the owner's at most, no one named.
        for none in [limited(&[]), limited(&[("S-1-5-32-544", 0x001f01ff)])] {
            let e = within_share(item(everyone), &none, false, &names);
            assert_eq!(e.audience, Audience::Owner, "{e:?}");
            assert!(e.principals.is_empty());
            assert!(e.via.starts_with("share ACL"), "{e:?}");
        }
        // Unknown: the item's verdict, saying so.
        let e = within_share(
            item(everyone),
            &ShareAcl::Unknown("access denied".into()),
            false,
            &names,
        );
        assert_eq!(e.audience, Audience::Organisation);
        assert_eq!(
            e.via,
            "DACL lets Everyone read; share permissions could not be read (access denied)"
        );
    }
}
