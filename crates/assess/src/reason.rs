//! The steps of a judgement as data: each [`Reason`] holds its numbers and names, and says
//! itself in a language of the catalogue (`model::words`, the `why.` keys): the scan prints it
//! in English (`Display`, the `why` of the output contract), and a report says the same step
//! in its reader's language.

use std::fmt;

use crate::facts::Transport;
use crate::policy::Holds;
use model::Severity;

/// One step of an assessment, in the order [`crate::assess`] takes them: what the data is
/// (and how much), the impact, who can read it, the zone, the age, the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// People identified by identity number (distinct fingerprints).
    People(u64),
    /// Identity-number or passport findings without fingerprints: people not counted.
    IdentityFindings(u64),
    /// Health data beside identity numbers.
    HealthWithIdentity,
    /// Health data about a person, without identity numbers.
    Health,
    /// Audio or video recordings.
    Recordings(u64),
    /// Camera photos.
    Photos(u64),
    /// IBANs and payment cards.
    Payment(u64),
    /// Contact details, names and addresses (the counts that are not 0 are said).
    Ordinary {
        /// E-mail addresses and phone numbers.
        contact: u64,
        /// Full names.
        names: u64,
        /// Postal addresses.
        addresses: u64,
    },
    /// Findings of the user's own rules of one sensitivity.
    Rules {
        /// How many.
        findings: u64,
        /// `high`, `medium` or `low`.
        sensitivity: &'static str,
    },
    /// Encrypted archives: their contents could not be inspected.
    Encrypted(u64),
    /// No personal data; `uninspected` when an encrypted archive may hold some.
    NoPersonalData {
        /// Something could not be read.
        uninspected: bool,
    },
    /// The impact: the class of the most sensitive data, and the step for the number of
    /// people when one was reached.
    Impact {
        /// The impact: the class's points plus the people's tier.
        impact: u32,
        /// The most sensitive class present.
        class: Class,
        /// The threshold of people reached and its tier (1 to 4).
        people: Option<(u64, u32)>,
    },
    /// Who can read it, and the exposure's points.
    Exposure {
        /// Who.
        readers: Readers,
        /// The exposure's points.
        points: u32,
    },
    /// It crosses the network unencrypted (an item not public).
    Unencrypted(Transport),
    /// The policy zone it lies in.
    Zone {
        /// The zone's name.
        name: String,
        /// What it may hold.
        holds: Holds,
        /// Its owner, if the policy names one.
        owner: Option<String>,
        /// Its contact, if the policy names one.
        contact: Option<String>,
    },
    /// Personal data in a zone that must hold none: one step up.
    NoPersonalDataZone(String),
    /// Health data in a zone for ordinary personal data only: one step up.
    NoSpecialCategoryZone(String),
    /// How long it has been there, since when (Unix seconds), and whether that is its first
    /// sighting (else its modification time).
    There {
        /// How long, in the unit a person would use.
        span: Span,
        /// Since when (Unix seconds).
        since: i64,
        /// Since its first sighting; else since it was last modified.
        first_seen: bool,
    },
    /// Older than the zone's retention (days): one step up.
    Retention(u32),
    /// Nothing identifies a person: info.
    NothingIdentifies,
    /// The result: risk = impact × exposure, the severity it gives, and the severity the
    /// policy raised it to.
    Risk {
        /// Impact × exposure.
        risk: u32,
        /// The impact.
        impact: u32,
        /// The exposure's points.
        exposure: u32,
        /// The severity the risk gives.
        base: Severity,
        /// The risks that give it.
        band: Band,
        /// The severity after the policy's steps, when they changed it.
        raised: Option<Severity>,
    },
    /// An encrypted archive alone, not public, is medium at most.
    EncryptedAloneCap,
}

/// The most sensitive class of data in an item; its impact points start from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Contact details, names, addresses, rules of low sensitivity.
    Ordinary,
    /// An encrypted archive: contents unknown.
    Uninspected,
    /// Identity numbers, payment data, camera photos, rules of medium sensitivity.
    Identifying,
    /// Rules of high sensitivity.
    RulesHigh,
    /// Audio and video recordings.
    Recordings,
    /// Health data.
    Health,
    /// Health data together with identity numbers.
    HealthWithIdentity,
}

impl Class {
    /// Its impact points.
    pub fn points(self) -> u32 {
        match self {
            Class::Ordinary => 1,
            Class::Uninspected => 2,
            Class::Identifying => 3,
            Class::RulesHigh => 4,
            Class::Recordings | Class::Health => 5,
            Class::HealthWithIdentity => 7,
        }
    }

    /// A name for a catalogue key: `ordinary`, `uninspected`, `identifying`, `rules_high`,
    /// `recordings`, `health`, `health_with_identity`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Ordinary => "ordinary",
            Class::Uninspected => "uninspected",
            Class::Identifying => "identifying",
            Class::RulesHigh => "rules_high",
            Class::Recordings => "recordings",
            Class::Health => "health",
            Class::HealthWithIdentity => "health_with_identity",
        }
    }
}

/// Who can read an item, as the exposure's words say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readers {
    /// Anyone without credentials; over a plain transport, found through a listing.
    Public {
        /// The plain transport it is served over, if it is.
        plain: Option<Transport>,
        /// A directory listing shows it.
        listed: bool,
    },
    /// Every employee.
    Organisation,
    /// A group of more than `more_than` people: close to every employee.
    LargeGroup {
        /// Its size.
        size: u32,
        /// The size above which a group is close to everyone.
        more_than: u32,
    },
    /// A group of a size between a team's and close to everyone.
    Group(u32),
    /// A team.
    SmallGroup(u32),
    /// A group whose size is not known.
    GroupOfUnknownSize,
    /// The owner only.
    Owner,
    /// Could not tell.
    Unknown,
}

/// A duration in the unit a person would use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// Under a day.
    LessThanADay,
    /// Days (1 to 59).
    Days(i64),
    /// Months of 30 days (2 to 24).
    Months(i64),
    /// Years of 365 days.
    Years(i64),
}

impl Span {
    /// The span of `days`.
    pub fn of_days(days: i64) -> Span {
        match days {
            i64::MIN..=0 => Span::LessThanADay,
            1..=59 => Span::Days(days),
            60..=729 => Span::Months(days / 30),
            _ => Span::Years(days / 365),
        }
    }
}

/// The risks that give one severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// This risk and above.
    From(u32),
    /// From the first to the second, both included.
    Between(u32, u32),
    /// Below this risk.
    Below(u32),
}

impl Reason {
    /// The reason in `lang` (`en`, `sv`, `da`, `nb`, `fi`: `model::words`); in English, the
    /// scan's `why`.
    pub fn say(&self, lang: &str) -> String {
        let w = Words(lang);
        let int = |n: u32| n.to_string();
        match self {
            Reason::People(n) => w.count("why.people", *n, &[]),
            Reason::IdentityFindings(n) => w.count("why.identity_findings", *n, &[]),
            Reason::HealthWithIdentity => w.t("why.health_with_identity"),
            Reason::Health => w.t("why.health"),
            Reason::Recordings(n) => w.count("why.recordings", *n, &[]),
            Reason::Photos(n) => w.count("why.photos", *n, &[]),
            Reason::Payment(n) => w.count("why.payment", *n, &[]),
            Reason::Ordinary {
                contact,
                names,
                addresses,
            } => {
                let list: Vec<String> = [
                    ("why.contact", *contact),
                    ("why.names", *names),
                    ("why.addresses", *addresses),
                ]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(key, n)| w.count(key, n, &[]))
                .collect();
                w.fill("why.ordinary", &[("list", &list.join(", "))])
            }
            Reason::Rules {
                findings,
                sensitivity,
            } => {
                let level = w.t(&format!("why.level.{sensitivity}"));
                w.count("why.rules", *findings, &[("level", &level)])
            }
            Reason::Encrypted(n) => w.count("why.encrypted", *n, &[]),
            Reason::NoPersonalData { uninspected } => w.t(if *uninspected {
                "why.no_personal_data_readable"
            } else {
                "why.no_personal_data"
            }),
            Reason::Impact {
                impact,
                class,
                people,
            } => {
                let class_words = w.t(&format!("why.class.{}", class.name()));
                let mut s = w.fill(
                    "why.impact",
                    &[
                        ("impact", &int(*impact)),
                        ("class", &class_words),
                        ("points", &int(class.points())),
                    ],
                );
                if let Some((from, tier)) = people {
                    let (from, tier) = (w.number(*from), int(*tier));
                    s.push_str(&w.fill("why.impact_people", &[("from", &from), ("tier", &tier)]));
                }
                s
            }
            Reason::Exposure { readers, points } => w.fill(
                "why.exposure",
                &[("readers", &readers.say(w)), ("points", &int(*points))],
            ),
            Reason::Unencrypted(t) => w.fill("why.unencrypted", &[("transport", &w.transport(*t))]),
            Reason::Zone {
                name,
                holds,
                owner,
                contact,
            } => {
                let part = |key: &str, name: &str, v: &Option<String>| {
                    v.as_deref()
                        .map_or(String::new(), |v| w.fill(key, &[(name, v)]))
                };
                w.fill(
                    "why.zone",
                    &[
                        ("name", name),
                        ("holds", holds.name()),
                        ("owner", &part("why.zone_owner", "owner", owner)),
                        ("contact", &part("why.zone_contact", "contact", contact)),
                    ],
                )
            }
            Reason::NoPersonalDataZone(zone) => w.fill("why.zone_no_personal", &[("name", zone)]),
            Reason::NoSpecialCategoryZone(zone) => w.fill("why.zone_no_special", &[("name", zone)]),
            Reason::There {
                span,
                since,
                first_seen,
            } => {
                let span = match span {
                    Span::LessThanADay => w.t("why.span.none"),
                    Span::Days(n) => w.count("why.days", n.unsigned_abs(), &[]),
                    Span::Months(n) => w.count("why.months", n.unsigned_abs(), &[]),
                    Span::Years(n) => w.count("why.years", n.unsigned_abs(), &[]),
                };
                let key = if *first_seen {
                    "why.first_seen"
                } else {
                    "why.last_modified"
                };
                let since = w.fill(key, &[("date", &date(*since))]);
                w.fill("why.there", &[("span", &span), ("since", &since)])
            }
            Reason::Retention(days) => w.fill("why.retention", &[("days", &int(*days))]),
            Reason::NothingIdentifies => w.t("why.nothing"),
            Reason::Risk {
                risk,
                impact,
                exposure,
                base,
                band,
                raised,
            } => {
                let band = match band {
                    Band::From(from) => w.fill("why.band.from", &[("from", &int(*from))]),
                    Band::Between(from, to) => w.fill(
                        "why.band.between",
                        &[("from", &int(*from)), ("to", &int(*to))],
                    ),
                    Band::Below(to) => w.fill("why.band.below", &[("to", &int(*to))]),
                };
                let mut s = w.fill(
                    "why.risk",
                    &[
                        ("risk", &int(*risk)),
                        ("impact", &int(*impact)),
                        ("exposure", &int(*exposure)),
                        ("severity", &w.severity(*base)),
                        ("band", &band),
                    ],
                );
                if let Some(raised) = raised {
                    s.push_str(&w.fill("why.raised", &[("severity", &w.severity(*raised))]));
                }
                s
            }
            Reason::EncryptedAloneCap => w.t("why.encrypted_cap"),
        }
    }
}

impl Readers {
    fn say(self, w: Words) -> String {
        match self {
            Readers::Public { plain, listed } => {
                let mut s = w.t("why.readers.public");
                if let Some(t) = plain {
                    s.push_str(&w.fill("why.readers.over", &[("transport", &w.transport(t))]));
                }
                if listed {
                    s.push_str(&w.t("why.readers.listed"));
                }
                s
            }
            Readers::Organisation => w.t("why.readers.organisation"),
            Readers::LargeGroup { size, more_than } => w.fill(
                "why.readers.large_group",
                &[
                    ("n", &w.number(u64::from(size))),
                    ("max", &more_than.to_string()),
                ],
            ),
            Readers::Group(size) => w.fill("why.readers.group", &[("n", &size.to_string())]),
            Readers::SmallGroup(size) => w.count("why.readers.small_group", u64::from(size), &[]),
            Readers::GroupOfUnknownSize => w.t("why.readers.group_unknown"),
            Readers::Owner => w.t("why.readers.owner"),
            Readers::Unknown => w.t("why.readers.unknown"),
        }
    }
}

/// The English of the scan's `why`.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.say("en"))
    }
}

/// The catalogue's words in one language.
#[derive(Clone, Copy)]
struct Words<'a>(&'a str);

impl Words<'_> {
    fn t(self, key: &str) -> String {
        model::words::t(self.0, key)
    }

    fn fill(self, key: &str, values: &[(&str, &str)]) -> String {
        model::words::fill(self.0, key, values)
    }

    fn count(self, key: &str, n: u64, values: &[(&str, &str)]) -> String {
        model::words::count(self.0, key, n, values)
    }

    fn number(self, n: u64) -> String {
        model::words::number(self.0, n)
    }

    fn transport(self, t: Transport) -> String {
        self.t(&format!("why.transport.{}", t.name()))
    }

    fn severity(self, s: Severity) -> String {
        self.t(&format!("sev.{}", s.name()))
    }
}

/// A Unix time as a UTC calendar date, `YYYY-MM-DD`.
fn date(unix: i64) -> String {
    model::IsoTime(unix).to_string()[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One reason of every kind, with counts of one and of many.
    fn every_reason() -> Vec<Reason> {
        let mut all = vec![
            Reason::HealthWithIdentity,
            Reason::Health,
            Reason::Ordinary {
                contact: 1,
                names: 0,
                addresses: 2,
            },
            Reason::Ordinary {
                contact: 0,
                names: 1_200,
                addresses: 0,
            },
            Reason::NoPersonalData { uninspected: true },
            Reason::NoPersonalData { uninspected: false },
            Reason::Unencrypted(Transport::Smb),
            Reason::Zone {
                name: "Common {drive}".into(),
                holds: Holds::NoPersonalData,
                owner: Some("IT".into()),
                contact: Some("it@example.dk".into()),
            },
            Reason::Zone {
                name: "Care".into(),
                holds: Holds::SpecialCategory,
                owner: None,
                contact: None,
            },
            Reason::NoPersonalDataZone("Common drive".into()),
            Reason::NoSpecialCategoryZone("Case files".into()),
            Reason::Retention(365),
            Reason::NothingIdentifies,
            Reason::EncryptedAloneCap,
        ];
        for n in [1, 12_345] {
            all.extend([
                Reason::People(n),
                Reason::IdentityFindings(n),
                Reason::Recordings(n),
                Reason::Photos(n),
                Reason::Payment(n),
                Reason::Encrypted(n),
            ]);
            for sensitivity in ["high", "medium", "low"] {
                all.push(Reason::Rules {
                    findings: n,
                    sensitivity,
                });
            }
        }
        for (class, people) in [
            (Class::Ordinary, None),
            (Class::Uninspected, None),
            (Class::Identifying, Some((1_000, 3))),
            (Class::RulesHigh, None),
            (Class::Recordings, Some((10, 1))),
            (Class::Health, None),
            (Class::HealthWithIdentity, Some((100, 2))),
        ] {
            all.push(Reason::Impact {
                impact: class.points() + people.map_or(0, |p| p.1),
                class,
                people,
            });
        }
        for readers in [
            Readers::Public {
                plain: Some(Transport::Http),
                listed: true,
            },
            Readers::Public {
                plain: None,
                listed: false,
            },
            Readers::Organisation,
            Readers::LargeGroup {
                size: 2_400,
                more_than: 50,
            },
            Readers::Group(30),
            Readers::SmallGroup(1),
            Readers::SmallGroup(4),
            Readers::GroupOfUnknownSize,
            Readers::Owner,
            Readers::Unknown,
        ] {
            all.push(Reason::Exposure { readers, points: 8 });
        }
        for days in [0, 1, 45, 548, 4 * 365 + 1] {
            for first_seen in [true, false] {
                all.push(Reason::There {
                    span: Span::of_days(days),
                    since: 1_669_852_800,
                    first_seen,
                });
            }
        }
        for (base, band, raised) in [
            (Severity::Critical, Band::From(60), None),
            (
                Severity::High,
                Band::Between(28, 59),
                Some(Severity::Critical),
            ),
            (Severity::Low, Band::Below(14), None),
        ] {
            all.push(Reason::Risk {
                risk: 56,
                impact: 7,
                exposure: 8,
                base,
                band,
                raised,
            });
        }
        all
    }

    #[test]
    fn english_words() {
        let say = |r: Reason| r.to_string();
        assert_eq!(
            say(Reason::People(2_700_000)),
            "2,700,000 people identified by identity number"
        );
        assert_eq!(
            say(Reason::Ordinary {
                contact: 1,
                names: 0,
                addresses: 2
            }),
            "ordinary personal data: 1 contact detail, 2 addresses"
        );
        assert_eq!(
            say(Reason::Exposure {
                readers: Readers::SmallGroup(1),
                points: 4
            }),
            "readable by a group of 1 person: exposure 4"
        );
        let there = |days, first_seen| {
            say(Reason::There {
                span: Span::of_days(days),
                since: 951_782_400,
                first_seen,
            })
        };
        assert_eq!(
            there(-3, true),
            "there for less than a day (first seen 2000-02-29)"
        );
        assert_eq!(
            there(1, false),
            "there for 1 day (last modified 2000-02-29)"
        );
        assert_eq!(there(45, true), "there for 45 days (first seen 2000-02-29)");
        assert_eq!(
            there(548, true),
            "there for 18 months (first seen 2000-02-29)"
        );
        assert_eq!(
            there(4 * 365 + 1, true),
            "there for 4 years (first seen 2000-02-29)"
        );
        assert_eq!(date(-86_400), "1969-12-31");
        assert_eq!(
            say(Reason::Risk {
                risk: 56,
                impact: 7,
                exposure: 8,
                base: Severity::High,
                band: Band::Between(28, 59),
                raised: Some(Severity::Critical),
            }),
            "risk 56 = impact 7 × exposure 8: high (28 to 59), raised to critical by the policy"
        );
    }

    #[test]
    fn every_reason_is_said_in_every_language() {
        for r in every_reason() {
            let english = r.say("en");
            for lang in ["en", "sv", "da", "nb", "fi"] {
                let words = r.say(lang);
                // Every key found and every value filled in (the zone's name keeps its braces).
                assert!(!words.contains("why."), "{lang}: {words}");
                let braces = words.replace("{drive}", "");
                assert!(!braces.contains(['{', '}']), "{lang}: {words}");
                if lang != "en" {
                    assert_ne!(words, english, "{lang}: {r:?} not translated");
                }
            }
        }
        assert_eq!(
            Reason::People(12_345).say("da"),
            "12.345 personer identificeret ved identitetsnummer"
        );
    }
}
