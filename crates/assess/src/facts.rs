//! What is known about one item (a file, a URL, a mailbox item): its findings, who can reach
//! it and how, and how old it is. Filled by the binary from its findings and exposure facts.

use std::collections::HashSet;
use std::fmt;

/// The national identity-number kinds (the output contract's names). Their fingerprints
/// count people.
pub const IDENTITY_KINDS: [&str; 5] = [
    "dk-cpr",
    "se-personnummer",
    "no-fodselsnummer",
    "fi-hetu",
    "is-kennitala",
];

/// A fingerprint as a 128-bit key, for the sets that count distinct ones: an item or a scan
/// of a million findings holds 16 bytes for each, not its 76 characters. A keyed fingerprint
/// (`hmac-sha256:` and 64 lowercase hexadecimal digits) gives the first half of its tag, as
/// random as the tag (two people share it with a chance of one in 2^128); any other text two
/// SipHash values of it.
pub fn fingerprint_key(fp: &str) -> u128 {
    let tag = fp
        .strip_prefix("hmac-sha256:")
        .filter(|t| t.len() == 64 && t.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .and_then(|t| t.get(..32))
        .and_then(|t| u128::from_str_radix(t, 16).ok());
    tag.unwrap_or_else(|| {
        use std::hash::{Hash, Hasher};
        let half = |salt: u8| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            salt.hash(&mut h);
            fp.hash(&mut h);
            h.finish()
        };
        (u128::from(half(0)) << 64) | u128::from(half(1))
    })
}

/// Who can reach an item, the same scale as `sources::exposure::Audience` plus the size of
/// a group when it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Audience {
    /// Anyone, without credentials (an open web server, a public link).
    Public,
    /// Everyone with an account in the organisation.
    Organisation,
    /// Named groups or users besides the owner; `size` is how many people, when known.
    Group {
        /// Number of people in the group(s), if the source could tell.
        size: Option<u32>,
    },
    /// Only the owner.
    Owner,
    /// Could not tell. Assessed like a group of unknown size: neither hidden as owner-only
    /// nor flooding the list as organisation-wide.
    #[default]
    Unknown,
}

impl Audience {
    /// The output name: `public`, `organisation`, `group`, `owner`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Organisation => "organisation",
            Audience::Group { .. } => "group",
            Audience::Owner => "owner",
            Audience::Unknown => "unknown",
        }
    }

    /// The audience of an exposure, with its size for a group.
    pub fn of(e: &model::Exposure) -> Audience {
        match e.audience {
            model::Audience::Public => Audience::Public,
            model::Audience::Organisation => Audience::Organisation,
            model::Audience::Group => Audience::Group { size: e.size },
            model::Audience::Owner => Audience::Owner,
            model::Audience::Unknown => Audience::Unknown,
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an item is reached: the model's type, shared with the output.
pub use model::Transport;

/// Number of findings per broad category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    /// National identity numbers and passport machine-readable zones.
    pub identity: u64,
    /// Health and care data (`health`, and rules of category `health`).
    pub health: u64,
    /// E-mail addresses and phone numbers (and rules of category `contact`).
    pub contact: u64,
    /// IBANs and payment cards (and rules of category `financial`).
    pub payment: u64,
    /// Full names.
    pub names: u64,
    /// Postal addresses.
    pub addresses: u64,
    /// Audio and video recordings.
    pub recordings: u64,
    /// Camera photos (their EXIF says a camera took them).
    pub photos: u64,
    /// Encrypted archives: their contents could not be read.
    pub encrypted: u64,
    /// Findings of user rules, by the rule's sensitivity (rules of every category count
    /// here as well as in their category above).
    pub custom_low: u64,
    /// See `custom_low`.
    pub custom_medium: u64,
    /// See `custom_low`.
    pub custom_high: u64,
}

impl Counts {
    /// Whether any finding is known personal data: everything counted here except encrypted
    /// archives, whose contents are unknown.
    pub fn personal(&self) -> bool {
        Counts {
            encrypted: 0,
            ..*self
        } != Counts::default()
    }
}

/// Everything the assessment needs to know about one item.
///
/// Fill it with [`ItemFacts::add_finding`] (and [`ItemFacts::add_rule_finding`] for user
/// rules), then set the exposure fields:
///
/// ```
/// use datavakt_assess::{Audience, ItemFacts, Transport};
/// let mut item = ItemFacts::default();
/// item.add_finding("dk-cpr", None, Some("hmac-sha256:5f1c"), 1_600_000_000)
///     .add_finding("dk-cpr", None, Some("hmac-sha256:5f1c"), 1_600_000_000)
///     .add_finding("health", None, None, 1_600_000_000);
/// item.audience = Audience::Organisation;
/// item.transport = Transport::Smb;
/// assert_eq!(item.people, 1);
/// assert!(item.special_category());
/// ```
#[derive(Clone, Debug, Default)]
pub struct ItemFacts {
    /// Distinct people identified by a national identity number. `add_finding` keeps it
    /// equal to the number of distinct identity fingerprints it saw; set it directly when the
    /// count comes from elsewhere (the store's aggregates).
    pub people: u64,
    /// Findings per category.
    pub counts: Counts,
    /// Who can reach the item.
    pub audience: Audience,
    /// How it is reached.
    pub transport: Transport,
    /// A directory listing exposed it (anyone browsing the server finds it).
    pub listed: bool,
    /// The earliest `first_seen` of its findings (Unix seconds).
    pub first_seen: Option<i64>,
    /// The item's modification time (Unix seconds), if known.
    pub modified: Option<i64>,
    /// Identity fingerprints seen ([`fingerprint_key`]), to count people once each.
    fingerprints: HashSet<u128>,
}

impl ItemFacts {
    /// Counts one finding. `kind` is the output contract's kind (`dk-cpr`, `health`,
    /// `audio-recording`, `encrypted-archive`, …, or a rule's kind); `category` is the
    /// rule's category for rule findings (`identifier`, `health`, `contact`, `financial`,
    /// `other`), `None` for built-in kinds; `fingerprint` the keyed hash, if any;
    /// `first_seen` when the finding was first seen (Unix seconds).
    ///
    /// A kind that is neither built in nor given a category (a kind added to the contract
    /// later) counts as a low-sensitivity rule finding, so it shows without dominating. A
    /// rule finding given here has medium sensitivity; use `add_rule_finding` to say.
    pub fn add_finding(
        &mut self,
        kind: &str,
        category: Option<&str>,
        fingerprint: Option<&str>,
        first_seen: i64,
    ) -> &mut Self {
        self.seen(first_seen);
        let c = &mut self.counts;
        match kind {
            k if IDENTITY_KINDS.contains(&k) => {
                c.identity += 1;
                if let Some(fp) = fingerprint {
                    // Count each person once.
                    if self.fingerprints.insert(fingerprint_key(fp)) {
                        self.people += 1;
                    }
                }
            }
            // A passport identifies a person too, but its fingerprint is not comparable with
            // an identity number's: counting it as another person could count one twice.
            "passport-mrz" => c.identity += 1,
            "health" => c.health += 1,
            "email" | "phone" => c.contact += 1,
            "iban" | "payment-card" => c.payment += 1,
            "name" => c.names += 1,
            "address" => c.addresses += 1,
            "audio-recording" | "video-recording" => c.recordings += 1,
            "camera-photo" => c.photos += 1,
            "encrypted-archive" => c.encrypted += 1,
            _ => match category {
                Some(cat) => return self.rule(cat, "medium"),
                None => c.custom_low += 1,
            },
        }
        self
    }

    /// Counts a finding as the scan weighs it: one of low confidence is a doubt (health words
    /// not about anyone, a number that passes a check by chance), shown when asked for but
    /// no evidence of what the item holds, so it is not counted.
    pub fn add_found(
        &mut self,
        kind: &str,
        confidence: model::Confidence,
        fingerprint: Option<&str>,
        first_seen: i64,
    ) -> &mut Self {
        if confidence > model::Confidence::Low {
            self.add_finding(kind, None, fingerprint, first_seen);
        }
        self
    }

    /// Who can reach the item and how, as its exposure says.
    pub fn exposed(&mut self, e: &model::Exposure) -> &mut Self {
        self.audience = Audience::of(e);
        self.transport = e.transport;
        self.listed = e.listed_by.is_some();
        self
    }

    /// Counts one finding of a user rule with its `category` (`identifier`, `health`,
    /// `contact`, `financial`, `other`) and `sensitivity` (`low`, `medium`, `high`; anything
    /// else counts as medium).
    pub fn add_rule_finding(
        &mut self,
        category: &str,
        sensitivity: &str,
        first_seen: i64,
    ) -> &mut Self {
        self.seen(first_seen);
        self.rule(category, sensitivity)
    }

    fn rule(&mut self, category: &str, sensitivity: &str) -> &mut Self {
        let c = &mut self.counts;
        match sensitivity {
            "low" => c.custom_low += 1,
            "high" => c.custom_high += 1,
            _ => c.custom_medium += 1,
        }
        match category {
            "health" => c.health += 1,
            "contact" => c.contact += 1,
            "financial" => c.payment += 1,
            _ => {}
        }
        self
    }

    fn seen(&mut self, t: i64) {
        self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
    }

    /// Whether it holds health or other special-category data (GDPR art. 9).
    pub fn special_category(&self) -> bool {
        self.counts.health > 0
    }

    /// Whether it holds any known personal data (an encrypted archive alone is not known to).
    pub fn personal_data(&self) -> bool {
        self.people > 0 || self.counts.personal()
    }

    /// Since when the data has been there: the earlier of the first sighting and the
    /// modification time (the content is at least as old as either says).
    pub fn since(&self) -> Option<i64> {
        match (self.first_seen, self.modified) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_people_once_by_fingerprint() {
        let mut f = ItemFacts::default();
        for fp in ["a", "b", "a", "c", "b"] {
            f.add_finding("dk-cpr", None, Some(fp), 100);
        }
        f.add_finding("se-personnummer", None, None, 50);
        f.add_finding("passport-mrz", None, Some("p"), 200);
        assert_eq!(f.people, 3);
        assert_eq!(f.counts.identity, 7);
        assert_eq!(f.first_seen, Some(50));
        assert!(!f.special_category());
    }

    #[test]
    fn fingerprint_keys_tell_fingerprints_apart() {
        let tag = |c: char| format!("hmac-sha256:{}", c.to_string().repeat(64));
        let (a, b) = (tag('a'), tag('b'));
        assert_eq!(fingerprint_key(&a), u128::MAX / 15 * 10);
        assert_ne!(fingerprint_key(&a), fingerprint_key(&b));
        // Anything else is hashed: upper case, a short tag, another scheme.
        let upper = a.to_uppercase().replace("HMAC-SHA256", "hmac-sha256");
        for other in [upper.as_str(), "hmac-sha256:ab", "x", "y"] {
            assert_ne!(fingerprint_key(other), fingerprint_key(&a), "{other}");
        }
        assert_ne!(fingerprint_key("x"), fingerprint_key("y"));
        assert_eq!(fingerprint_key("x"), fingerprint_key("x"));
    }

    #[test]
    fn classifies_kinds_and_rules() {
        let mut f = ItemFacts::default();
        f.add_finding("health", None, None, 1)
            .add_finding("email", None, Some("e"), 1)
            .add_finding("payment-card", None, Some("x"), 1)
            .add_finding("video-recording", None, None, 1)
            .add_finding("camera-photo", None, None, 1)
            .add_finding("encrypted-archive", None, None, 1)
            .add_finding("employee-number", Some("identifier"), Some("f"), 1)
            .add_finding("future-kind", None, None, 1)
            .add_rule_finding("health", "high", 1)
            .add_rule_finding("financial", "low", 1);
        let c = f.counts;
        assert_eq!(
            (
                c.health,
                c.contact,
                c.payment,
                c.recordings,
                c.photos,
                c.encrypted
            ),
            (2, 1, 2, 1, 1, 1)
        );
        assert_eq!((c.custom_low, c.custom_medium, c.custom_high), (2, 1, 1));
        assert_eq!(f.people, 0);
        assert!(f.special_category() && f.personal_data());
    }

    #[test]
    fn a_doubt_does_not_count_and_an_exposure_says_who_and_how() {
        let mut f = ItemFacts::default();
        f.add_found("dk-cpr", model::Confidence::Low, Some("a"), 5)
            .add_found("health", model::Confidence::Low, None, 5);
        assert_eq!((f.people, f.counts.health, f.first_seen), (0, 0, None));
        f.add_found("dk-cpr", model::Confidence::Medium, Some("a"), 7)
            .add_found("health", model::Confidence::High, None, 9);
        assert_eq!((f.people, f.counts.health, f.first_seen), (1, 1, Some(7)));
        f.exposed(&model::Exposure {
            audience: model::Audience::Public,
            transport: Transport::Http,
            listed_by: Some("https://example.dk/".into()),
            ..Default::default()
        });
        assert_eq!(
            (f.audience, f.transport, f.listed),
            (Audience::Public, Transport::Http, true)
        );
    }

    #[test]
    fn since_is_the_earlier_time() {
        let mut f = ItemFacts::default();
        assert_eq!(f.since(), None);
        f.modified = Some(300);
        assert_eq!(f.since(), Some(300));
        f.add_finding("name", None, None, 400);
        assert_eq!(f.since(), Some(300));
        f.add_finding("name", None, None, 200);
        assert_eq!(f.since(), Some(200));
    }

    #[test]
    fn an_exposures_audience_keeps_its_name_and_a_groups_size() {
        for (m, a) in [
            (model::Audience::Public, Audience::Public),
            (model::Audience::Organisation, Audience::Organisation),
            (model::Audience::Group, Audience::Group { size: Some(7) }),
            (model::Audience::Owner, Audience::Owner),
            (model::Audience::Unknown, Audience::Unknown),
        ] {
            let e = model::Exposure {
                audience: m,
                size: Some(7),
                ..Default::default()
            };
            assert_eq!(Audience::of(&e), a);
            assert_eq!(a.name(), m.name());
        }
        for t in [
            Transport::Https,
            Transport::Http,
            Transport::Smb3Encrypted,
            Transport::Smb,
            Transport::Local,
        ] {
            assert_eq!(Transport::parse(t.name()), Some(t));
        }
    }

    /// Every kind the detector reports is classified here, not counted as an unknown kind.
    #[test]
    fn every_detector_kind_is_known() {
        for k in detect::Kind::IDENTITY {
            assert!(IDENTITY_KINDS.contains(&k.name()), "{k}");
        }
        for name in detect::rules::BUILTIN_KINDS {
            let mut f = ItemFacts::default();
            f.add_finding(name, None, None, 0);
            assert_eq!(f.counts.custom_low, 0, "{name} fell through as unknown");
        }
    }
}
