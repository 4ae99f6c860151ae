//! Severity of one item: what it holds, for how many people, who can reach it, and what the
//! policy says about where it lies. See the crate documentation for the model.

use crate::facts::{Audience, ItemFacts};
use crate::policy::{Holds, Zone};
use crate::reason::{Band, Class, Readers, Reason, Span};

/// How urgently an item needs the DPO's attention, ordered `Info < … < Critical`: the
/// model's type, shared with the output.
pub use model::Severity;

/// The verdict on one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// How urgent.
    pub severity: Severity,
    /// Orders items within one severity, higher first; comparable across items of one
    /// severity only (sort by severity, then score).
    pub score: u32,
    /// One plain sentence per step of the judgement, in order: data, number of people,
    /// exposure, zone, age, result (`reasons` in English, as the output writes them).
    pub why: Vec<String>,
    /// The same steps with their numbers, for words in another language.
    pub reasons: Vec<Reason>,
}

/// Risk from which each severity starts (risk = impact × exposure), for items with personal
/// data; below `Medium` it is `Low`.
const MEDIUM_FROM: u32 = 14;
const HIGH_FROM: u32 = 28;
const CRITICAL_FROM: u32 = 60;

/// People (or recordings and photos) from which the impact rises by 1, 2, 3, 4.
const PEOPLE_TIERS: [u64; 4] = [10, 100, 1_000, 10_000];

/// A group larger than this is almost everyone.
const LARGE_GROUP: u32 = 50;
/// A group up to this size is a team.
const SMALL_GROUP: u32 = 10;

const DAY: i64 = 86_400;

/// Assesses one item. `zone` is the policy's zone for its location (`Policy::zone_of`),
/// `now_unix` the time of the assessment (for age and retention). Pure and deterministic.
pub fn assess(item: &ItemFacts, zone: Option<&Zone>, now_unix: i64) -> Assessment {
    let mut why = vec![];
    let c = &item.counts;
    let identity = item.people > 0 || c.identity > 0;
    let personal = item.personal_data();

    // 1. What the data is: the most sensitive class present.
    describe_data(item, &mut why);
    let mut class: Option<Class> = None;
    let mut take = |candidate: Class| {
        if class.is_none_or(|c| candidate.points() > c.points()) {
            class = Some(candidate);
        }
    };
    if c.contact + c.names + c.addresses + c.custom_low > 0 {
        take(Class::Ordinary);
    }
    if c.encrypted > 0 {
        take(Class::Uninspected);
    }
    if identity || c.payment + c.photos + c.custom_medium > 0 {
        take(Class::Identifying);
    }
    if c.custom_high > 0 {
        take(Class::RulesHigh);
    }
    if c.recordings > 0 {
        take(Class::Recordings);
    }
    if item.special_category() {
        take(Class::Health);
    }
    if item.special_category() && identity {
        take(Class::HealthWithIdentity);
    }

    // 2. How many people: recordings and photos are a person each, as no fingerprint says
    // otherwise.
    let subjects = item.people.max(c.recordings.saturating_add(c.photos));
    let tier = PEOPLE_TIERS.iter().filter(|t| subjects >= **t).count() as u32;
    let impact = class.map_or(0, |c| c.points() + tier);
    if let Some(class) = class {
        why.push(Reason::Impact {
            impact,
            class,
            people: (tier > 0).then(|| (PEOPLE_TIERS[tier as usize - 1], tier)),
        });
    }

    // 3. Who can reach it.
    let (exposure, readers) = exposure(item);
    why.push(Reason::Exposure {
        readers,
        points: exposure,
    });
    if item.audience != Audience::Public && item.transport.is_plain() {
        why.push(Reason::Unencrypted(item.transport));
    }

    // 4. The policy: each broken rule is one step up.
    let mut steps = 0usize;
    if let Some(z) = zone {
        why.push(Reason::Zone {
            name: z.name.clone(),
            holds: z.holds,
            owner: z.owner.clone(),
            contact: z.contact.clone(),
        });
        if personal && z.holds == Holds::NoPersonalData {
            steps += 1;
            why.push(Reason::NoPersonalDataZone(z.name.clone()));
        }
        if item.special_category() && z.holds == Holds::PersonalData {
            steps += 1;
            why.push(Reason::NoSpecialCategoryZone(z.name.clone()));
        }
    }

    // 5. Age: how long it has been there, and the zone's retention.
    let mut age_days = 0i64;
    if let Some(since) = item.since() {
        age_days = (now_unix.saturating_sub(since) / DAY).max(0);
        why.push(Reason::There {
            span: Span::of_days(age_days),
            since,
            first_seen: item.first_seen == Some(since),
        });
        if let Some(days) = zone.and_then(|z| z.retention_days) {
            if personal && age_days > i64::from(days) {
                steps += 1;
                why.push(Reason::Retention(days));
            }
        }
    }

    // 6. Result.
    let risk = impact * exposure;
    let base = if impact == 0 {
        Severity::Info
    } else if risk >= CRITICAL_FROM {
        Severity::Critical
    } else if risk >= HIGH_FROM {
        Severity::High
    } else if risk >= MEDIUM_FROM {
        Severity::Medium
    } else {
        Severity::Low
    };
    let mut severity = base.raised(steps);
    if impact == 0 {
        why.push(Reason::NothingIdentifies);
    } else {
        let band = match base {
            Severity::Critical => Band::From(CRITICAL_FROM),
            Severity::High => Band::Between(HIGH_FROM, CRITICAL_FROM - 1),
            Severity::Medium => Band::Between(MEDIUM_FROM, HIGH_FROM - 1),
            _ => Band::Below(MEDIUM_FROM),
        };
        why.push(Reason::Risk {
            risk,
            impact,
            exposure,
            base,
            band,
            raised: (severity != base).then_some(severity),
        });
    }
    // An archive that could not be opened may hold anything or nothing: it must not crowd
    // out what is known, unless anyone can fetch it.
    let encrypted_alone = c.encrypted > 0 && !personal;
    if encrypted_alone && item.audience != Audience::Public && severity > Severity::Medium {
        severity = Severity::Medium;
        why.push(Reason::EncryptedAloneCap);
    }

    // Within a severity: higher risk, then broken rules, then more people, more findings,
    // older, and unencrypted transport. Every part only grows with its factor.
    let findings = total(item);
    let score = risk
        .saturating_mul(1_000)
        .saturating_add(steps as u32 * 300)
        .saturating_add(((item.people.saturating_add(1)).ilog2() * 12).min(200))
        .saturating_add((findings.saturating_add(1).ilog2() * 5).min(50))
        .saturating_add(((age_days / 365) as u32 * 10).min(40))
        .saturating_add(if item.transport.is_plain() { 10 } else { 0 });

    Assessment {
        severity,
        score,
        why: why.iter().map(ToString::to_string).collect(),
        reasons: why,
    }
}

/// Exposure points and who they stand for. Public items get a point more for plain
/// transport and for a directory listing (anyone browsing the server finds them).
fn exposure(item: &ItemFacts) -> (u32, Readers) {
    match item.audience {
        Audience::Public => {
            let plain = item.transport.is_plain().then_some(item.transport);
            let points = 12 + u32::from(plain.is_some()) + u32::from(item.listed);
            (
                points,
                Readers::Public {
                    plain,
                    listed: item.listed,
                },
            )
        }
        Audience::Organisation => (8, Readers::Organisation),
        Audience::Group { size: Some(n) } if n > LARGE_GROUP => (
            7,
            Readers::LargeGroup {
                size: n,
                more_than: LARGE_GROUP,
            },
        ),
        Audience::Group { size: Some(n) } if n > SMALL_GROUP => (5, Readers::Group(n)),
        Audience::Group { size: Some(n) } => (4, Readers::SmallGroup(n)),
        Audience::Group { size: None } => (4, Readers::GroupOfUnknownSize),
        Audience::Owner => (2, Readers::Owner),
        Audience::Unknown => (4, Readers::Unknown),
    }
}

/// One reason per kind of data found, most telling first.
fn describe_data(item: &ItemFacts, why: &mut Vec<Reason>) {
    let c = &item.counts;
    if item.people > 0 {
        why.push(Reason::People(item.people));
    } else if c.identity > 0 {
        why.push(Reason::IdentityFindings(c.identity));
    }
    if item.special_category() {
        if item.people > 0 || c.identity > 0 {
            why.push(Reason::HealthWithIdentity);
        } else {
            why.push(Reason::Health);
        }
    }
    for (n, reason) in [
        (c.recordings, Reason::Recordings(c.recordings)),
        (c.photos, Reason::Photos(c.photos)),
        (c.payment, Reason::Payment(c.payment)),
    ] {
        if n > 0 {
            why.push(reason);
        }
    }
    if c.contact + c.names + c.addresses > 0 {
        why.push(Reason::Ordinary {
            contact: c.contact,
            names: c.names,
            addresses: c.addresses,
        });
    }
    for (findings, sensitivity) in [
        (c.custom_high, "high"),
        (c.custom_medium, "medium"),
        (c.custom_low, "low"),
    ] {
        if findings > 0 {
            why.push(Reason::Rules {
                findings,
                sensitivity,
            });
        }
    }
    if c.encrypted > 0 {
        why.push(Reason::Encrypted(c.encrypted));
    }
    if !item.personal_data() {
        why.push(Reason::NoPersonalData {
            uninspected: c.encrypted > 0,
        });
    }
}

fn total(item: &ItemFacts) -> u64 {
    let c = &item.counts;
    [
        c.identity,
        c.health,
        c.contact,
        c.payment,
        c.names,
        c.addresses,
        c.recordings,
        c.photos,
        c.encrypted,
        c.custom_low,
        c.custom_medium,
        c.custom_high,
    ]
    .iter()
    .fold(0u64, |a, b| a.saturating_add(*b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Transport;
    use crate::policy::Policy;

    /// 2024-06-01 00:00 UTC.
    const NOW: i64 = 1_717_200_000;

    const POLICY: &str = r#"
[[zone]]
name = "Common drive"
paths = ["/srv/gemensam"]
holds = "no-personal-data"
owner = "IT"

[[zone]]
name = "Case files"
paths = ["/srv/sag"]
holds = "personal-data"
retention_days = 365

[[zone]]
name = "Care"
paths = ["/srv/omsorg"]
holds = "special-category"
owner = "Home care"
contact = "omsorg-it@example.dk"
"#;

    fn policy() -> Policy {
        match Policy::parse(POLICY, "policy.toml") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn with_people(n: u64) -> ItemFacts {
        let mut f = ItemFacts::default();
        for i in 0..n {
            f.add_finding("dk-cpr", None, Some(&format!("fp{i}")), NOW - 30 * DAY);
        }
        f
    }

    fn health(mut f: ItemFacts) -> ItemFacts {
        f.add_finding("health", None, None, NOW - 30 * DAY);
        f
    }

    fn seen(f: &ItemFacts, zone: Option<&Zone>) -> Assessment {
        assess(f, zone, NOW)
    }

    #[test]
    fn the_conversion_file_readable_by_everyone_is_critical() {
        // Dragør: ~900 home-care clients' CPR numbers and care details, on a drive every
        // administrative employee could open, for 1.5 years.
        let p = policy();
        let mut f = health(with_people(912));
        f.audience = Audience::Organisation;
        f.first_seen = Some(NOW - 548 * DAY);
        let a = seen(&f, p.zone_of("/srv/gemensam/Export/konvertering.zip"));
        assert_eq!(a.severity, Severity::Critical, "{:#?}", a.why);
        let why = a.why.join("\n");
        for s in [
            "912 people identified by identity number",
            "health data together with identity numbers (GDPR art. 9)",
            "readable by every employee (organisation)",
            "zone 'Common drive' must hold no personal data",
            "there for 18 months (first seen 2022-12-01)",
            "risk 72 = impact 9 × exposure 8: critical (60 and above)",
        ] {
            assert!(why.contains(s), "missing {s:?} in\n{why}");
        }
        // Critical on its own, without the policy.
        assert_eq!(seen(&f, None).severity, Severity::Critical);
    }

    #[test]
    fn child_welfare_records_on_a_wide_drive_are_critical() {
        // Sibbo: 2,000 clients' records on a drive far more employees could open.
        let mut f = health(with_people(2_000));
        f.audience = Audience::Group { size: Some(400) };
        let a = seen(&f, None);
        assert_eq!(a.severity, Severity::Critical, "{:#?}", a.why);
        assert!(a.why.iter().any(|w| w.contains("close to every employee")));
    }

    #[test]
    fn public_recordings_are_critical() {
        // 1177: call recordings on a web server without a password.
        let mut f = ItemFacts::default();
        f.add_finding("audio-recording", None, None, NOW);
        f.audience = Audience::Public;
        f.transport = Transport::Https;
        assert_eq!(seen(&f, None).severity, Severity::Critical);
        f.transport = Transport::Http;
        f.listed = true;
        let a = seen(&f, None);
        assert_eq!(a.severity, Severity::Critical);
        assert!(
            a.why.iter().any(|w| w.starts_with(
                "reachable by anyone without credentials over plain HTTP, found through a \
                 directory listing"
            )),
            "{:#?}",
            a.why
        );
        let mut v = ItemFacts::default();
        v.add_finding("video-recording", None, None, NOW);
        v.audience = Audience::Public;
        assert_eq!(seen(&v, None).severity, Severity::Critical);
    }

    #[test]
    fn one_number_in_an_owner_only_file_is_low() {
        let p = policy();
        let mut f = with_people(1);
        f.audience = Audience::Owner;
        let a = seen(&f, p.zone_of("/srv/sag/anna/notat.docx"));
        assert!(a.severity <= Severity::Low, "{:#?}", a.why);
        assert!(a.severity > Severity::Info);
        assert!(
            a.why[0] == "1 person identified by identity number",
            "{:#?}",
            a.why
        );
    }

    #[test]
    fn health_and_numbers_owner_only_is_medium() {
        let p = policy();
        let mut f = health(with_people(1));
        f.audience = Audience::Owner;
        assert_eq!(seen(&f, None).severity, Severity::Medium);
        assert_eq!(
            seen(&f, p.zone_of("/srv/omsorg/a.docx")).severity,
            Severity::Medium
        );
        // Health data where the policy allows personal data but no special categories.
        let a = seen(&f, p.zone_of("/srv/sag/a.docx"));
        assert_eq!(a.severity, Severity::High, "{:#?}", a.why);
    }

    #[test]
    fn personal_data_in_a_no_personal_data_zone_raises_a_step() {
        let p = policy();
        let common = p.zone_of("/srv/gemensam/a.txt");
        let care = p.zone_of("/srv/omsorg/a.txt");
        for f in sample_items() {
            let inside = seen(&f, common).severity;
            let allowed = seen(&f, care).severity;
            if f.personal_data() && allowed < Severity::Critical {
                assert_eq!(inside, allowed.raised(1), "{f:?}");
            } else {
                assert_eq!(inside, allowed, "{f:?}");
            }
        }
    }

    #[test]
    fn public_beats_organisation_beats_group_beats_owner() {
        for f in sample_items().into_iter().filter(ItemFacts::personal_data) {
            let at = |a: Audience| {
                let mut g = f.clone();
                g.audience = a;
                seen(&g, None)
            };
            let chain = [
                at(Audience::Owner),
                at(Audience::Group { size: Some(5) }),
                at(Audience::Group { size: Some(80) }),
                at(Audience::Organisation),
                at(Audience::Public),
            ];
            for w in chain.windows(2) {
                assert!(w[0].severity <= w[1].severity, "{f:?}");
                assert!(w[0].score < w[1].score, "{f:?}");
            }
        }
        // And it shows: one identity number moves from low to high.
        let mut f = with_people(1);
        let sev = |f: &ItemFacts, a| {
            let mut g = f.clone();
            g.audience = a;
            seen(&g, None).severity
        };
        assert_eq!(sev(&f, Audience::Owner), Severity::Low);
        assert_eq!(sev(&f, Audience::Group { size: Some(5) }), Severity::Low);
        assert_eq!(sev(&f, Audience::Organisation), Severity::Medium);
        assert_eq!(sev(&f, Audience::Public), Severity::High);
        f = health(f);
        assert_eq!(sev(&f, Audience::Public), Severity::Critical);
    }

    #[test]
    fn a_large_group_counts_close_to_organisation() {
        let mut f = health(with_people(120));
        let exp = |f: &mut ItemFacts, a| {
            f.audience = a;
            exposure(f).0
        };
        let small = exp(&mut f, Audience::Group { size: Some(8) });
        let large = exp(&mut f, Audience::Group { size: Some(51) });
        let org = exp(&mut f, Audience::Organisation);
        assert!(small < large && large < org && org - large <= 1);
        f.audience = Audience::Group { size: Some(51) };
        let a = seen(&f, None);
        f.audience = Audience::Organisation;
        let b = seen(&f, None);
        assert_eq!(a.severity, b.severity);
    }

    #[test]
    fn plain_transport_raises_public_items() {
        for f in sample_items().into_iter().filter(ItemFacts::personal_data) {
            let mut s = f.clone();
            s.audience = Audience::Public;
            s.transport = Transport::Https;
            for plain in [Transport::Http, Transport::Smb] {
                let mut p = s.clone();
                p.transport = plain;
                let (a, b) = (seen(&s, None), seen(&p, None));
                assert!(b.severity >= a.severity && b.score > a.score + 500, "{f:?}");
            }
        }
        // Where it tips the balance: names in an open listing over plain HTTP.
        let mut f = ItemFacts::default();
        f.add_finding("name", None, None, NOW);
        f.audience = Audience::Public;
        f.transport = Transport::Https;
        assert_eq!(seen(&f, None).severity, Severity::Low);
        f.transport = Transport::Http;
        f.listed = true;
        assert_eq!(seen(&f, None).severity, Severity::Medium);
    }

    #[test]
    fn more_people_raise_at_each_threshold() {
        let mut last = None;
        for n in [1u64, 10, 100, 1_000, 10_000] {
            let mut f = ItemFacts::default();
            f.people = n;
            f.counts.identity = n;
            f.audience = Audience::Group { size: Some(20) };
            let a = seen(&f, None);
            if let Some((sev, score)) = last {
                assert!(a.severity >= sev && a.score > score, "{n}: {:#?}", a.why);
            }
            last = Some((a.severity, a.score));
        }
        // In a team's folder of 20: medium from one number, high from a thousand; critical
        // needs the organisation or the public.
        let sev = |n| {
            let mut f = with_people(n);
            f.audience = Audience::Group { size: Some(20) };
            seen(&f, None).severity
        };
        assert_eq!(sev(1), Severity::Medium);
        assert_eq!(sev(100), Severity::Medium);
        assert_eq!(sev(1_000), Severity::High);
        let mut f = ItemFacts::default();
        f.people = 10_000;
        f.audience = Audience::Organisation;
        assert_eq!(seen(&f, None).severity, Severity::High);
        f.audience = Audience::Public;
        assert_eq!(seen(&f, None).severity, Severity::Critical);
    }

    #[test]
    fn retention_violations_raise() {
        let p = policy();
        let zone = p.zone_of("/srv/sag/x");
        let mut f = with_people(3);
        f.audience = Audience::Owner;
        f.first_seen = Some(NOW - 200 * DAY);
        let young = seen(&f, zone);
        f.first_seen = Some(NOW - 4 * 365 * DAY - DAY);
        let old = seen(&f, zone);
        assert_eq!(old.severity, young.severity.raised(1));
        assert!(
            old.why
                .iter()
                .any(|w| w == "older than the zone's retention of 365 days: one step up"),
            "{:#?}",
            old.why
        );
        assert!(
            old.why
                .iter()
                .any(|w| w == "there for 4 years (first seen 2020-06-01)"),
            "{:#?}",
            old.why
        );
        // The modification time counts when it is older than the first sighting.
        f.first_seen = Some(NOW - DAY);
        f.modified = Some(NOW - 400 * DAY);
        let a = seen(&f, zone);
        assert_eq!(a.severity, old.severity);
        assert!(a
            .why
            .iter()
            .any(|w| w.contains("(last modified 2023-04-28)")));
        // Age alone, without a retention rule, orders but does not raise.
        assert_eq!(
            seen(&f, None).severity,
            seen(&with_people(3), None).severity
        );
    }

    #[test]
    fn encrypted_archives_are_medium_at_most_unless_public() {
        let p = policy();
        let mut f = ItemFacts::default();
        f.add_finding("encrypted-archive", None, None, NOW - 3_000 * DAY);
        for a in [
            Audience::Owner,
            Audience::Group { size: Some(300) },
            Audience::Organisation,
            Audience::Unknown,
        ] {
            f.audience = a;
            for z in [
                None,
                p.zone_of("/srv/gemensam/a.zip"),
                p.zone_of("/srv/sag/a.zip"),
            ] {
                let s = seen(&f, z).severity;
                assert!(s <= Severity::Medium && s >= Severity::Low, "{a:?}: {s}");
            }
        }
        f.audience = Audience::Public;
        f.transport = Transport::Http;
        f.listed = true;
        assert_eq!(seen(&f, None).severity, Severity::High);
        // With known contents beside it, the contents decide.
        let mut g = health(with_people(500));
        g.add_finding("encrypted-archive", None, None, NOW);
        g.audience = Audience::Organisation;
        assert_eq!(seen(&g, None).severity, Severity::Critical);
    }

    #[test]
    fn score_orders_within_a_severity() {
        let item = |people: u64, audience: Audience, years: i64| {
            let mut f = health(with_people(people));
            f.audience = audience;
            f.first_seen = Some(NOW - years * 365 * DAY);
            f
        };
        let mut list = [
            ("few, organisation", item(120, Audience::Organisation, 0)),
            ("public", item(3, Audience::Public, 0)),
            ("many, organisation", item(900, Audience::Organisation, 0)),
            (
                "many, organisation, old",
                item(900, Audience::Organisation, 3),
            ),
            ("owner", item(900, Audience::Owner, 0)),
        ]
        .map(|(name, f)| (name, seen(&f, None)));
        list.sort_by_key(|(_, a)| std::cmp::Reverse((a.severity, a.score)));
        let order: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            order,
            [
                "public",
                "many, organisation, old",
                "many, organisation",
                "few, organisation",
                "owner"
            ]
        );
        assert!(list[..4]
            .iter()
            .all(|(_, a)| a.severity == Severity::Critical));
    }

    #[test]
    fn nothing_personal_is_info() {
        let mut f = ItemFacts::default();
        f.audience = Audience::Public;
        f.transport = Transport::Http;
        f.listed = true;
        let p = policy();
        let a = seen(&f, p.zone_of("/srv/gemensam/readme.txt"));
        assert_eq!(a.severity, Severity::Info);
        assert!(a.why.iter().any(|w| w == "no personal data found"));
        f.modified = Some(0);
        assert_eq!(seen(&f, p.zone_of("/srv/sag/x")).severity, Severity::Info);
    }

    #[test]
    fn severity_names_and_order() {
        let names: Vec<&str> = Severity::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["info", "low", "medium", "high", "critical"]);
        assert!(Severity::ALL.windows(2).all(|w| w[0] < w[1]));
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.name()), Some(s));
        }
        assert_eq!(Severity::Critical.raised(3), Severity::Critical);
    }

    #[test]
    fn future_times_are_no_age() {
        let mut f = with_people(1);
        f.first_seen = Some(NOW + 10 * DAY);
        let a = seen(&f, None);
        assert!(a
            .why
            .iter()
            .any(|w| w.starts_with("there for less than a day")));
    }

    /// A varied set of items: every data class, a few volumes.
    fn sample_items() -> Vec<ItemFacts> {
        let mut out = vec![ItemFacts::default()];
        for kind in [
            "dk-cpr",
            "health",
            "email",
            "iban",
            "name",
            "address",
            "audio-recording",
            "camera-photo",
            "encrypted-archive",
            "passport-mrz",
        ] {
            for n in [1u64, 15, 300] {
                let mut f = ItemFacts::default();
                for i in 0..n {
                    f.add_finding(kind, None, Some(&format!("{kind}{i}")), NOW - DAY);
                }
                out.push(f);
            }
        }
        out.push(health(with_people(900)));
        out.push(health(with_people(1)));
        out
    }

    /// A small deterministic generator (xorshift), enough to cover the combinations.
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len() as u64) as usize]
        }
        fn count(&mut self) -> u64 {
            self.pick(&[0, 0, 0, 1, 2, 9, 10, 99, 100, 999, 1_000, 12_000])
        }
    }

    /// Exposure from least to most; equal neighbours are allowed.
    const AUDIENCES: [Audience; 8] = [
        Audience::Owner,
        Audience::Group { size: Some(3) },
        Audience::Group { size: None },
        Audience::Unknown,
        Audience::Group { size: Some(30) },
        Audience::Group { size: Some(80) },
        Audience::Organisation,
        Audience::Public,
    ];

    fn random_item(g: &mut Gen) -> ItemFacts {
        let mut f = ItemFacts::default();
        f.people = g.count();
        f.audience = g.pick(&AUDIENCES);
        f.transport = g.pick(&[
            Transport::Https,
            Transport::Http,
            Transport::Smb3Encrypted,
            Transport::Smb,
            Transport::Local,
        ]);
        f.listed = g.below(4) == 0;
        f.first_seen = g.pick(&[None, Some(NOW - DAY), Some(NOW - 400 * DAY)]);
        f.modified = g.pick(&[None, Some(NOW - 10 * DAY), Some(NOW - 2_000 * DAY)]);
        let c = &mut f.counts;
        c.identity = if f.people > 0 { f.people } else { g.below(2) };
        for field in [
            &mut c.health,
            &mut c.contact,
            &mut c.payment,
            &mut c.names,
            &mut c.addresses,
            &mut c.recordings,
            &mut c.photos,
            &mut c.encrypted,
            &mut c.custom_low,
            &mut c.custom_medium,
            &mut c.custom_high,
        ] {
            *field = if g.below(3) == 0 { g.count() } else { 0 };
        }
        f
    }

    /// Each change adds people, exposure, health, data or age: none may lower the verdict.
    fn increase(g: &mut Gen, f: &ItemFacts) -> (ItemFacts, &'static str) {
        let mut h = f.clone();
        let what = match g.below(8) {
            0 => {
                h.people = h.people.saturating_add(g.pick(&[1, 9, 90, 900, 9_000]));
                h.counts.identity = h.counts.identity.max(h.people);
                "people"
            }
            1 => {
                let i = AUDIENCES.iter().position(|a| *a == h.audience).unwrap_or(0);
                h.audience = AUDIENCES[(i + 1).min(AUDIENCES.len() - 1)];
                "audience"
            }
            2 => {
                if h.audience == Audience::Public {
                    h.transport = g.pick(&[Transport::Http, Transport::Smb]);
                } else {
                    h.audience = Audience::Public;
                }
                "transport"
            }
            3 => {
                h.listed = true;
                "listed"
            }
            4 => {
                h.counts.health += 1;
                "health"
            }
            5 => {
                let kind = g.pick(&[
                    "se-personnummer",
                    "email",
                    "iban",
                    "audio-recording",
                    "camera-photo",
                    "encrypted-archive",
                    "name",
                ]);
                h.add_finding(kind, None, Some("new"), NOW);
                "finding"
            }
            6 => {
                h.first_seen = Some(h.first_seen.unwrap_or(NOW) - 500 * DAY);
                "older"
            }
            _ => {
                h.counts.custom_high += 1;
                "rule"
            }
        };
        (h, what)
    }

    #[test]
    fn monotone_over_generated_items() {
        let p = policy();
        // From lenient to strict: a stricter zone adds violations only.
        let zones = [
            None,
            p.zone_of("/srv/omsorg/x"),
            p.zone_of("/srv/sag/x"),
            p.zone_of("/srv/gemensam/x"),
        ];
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let (mut seen_severities, mut raised) = ([0u32; 5], 0u32);
        for _ in 0..20_000 {
            let f = random_item(&mut g);
            let zi = g.below(zones.len() as u64) as usize;
            let a = assess(&f, zones[zi], NOW);
            seen_severities[a.severity as usize] += 1;
            assert_eq!(a, assess(&f, zones[zi], NOW), "deterministic");

            let (h, what) = increase(&mut g, &f);
            let b = assess(&h, zones[zi], NOW);
            assert!(
                b.severity >= a.severity && b.score >= a.score,
                "{what} lowered {:?}/{} to {:?}/{}\n{f:?}\n{:#?}\n{:#?}",
                a.severity,
                a.score,
                b.severity,
                b.score,
                a.why,
                b.why
            );
            raised += u32::from(b.severity > a.severity);

            // A later (later-listed, stricter) zone only adds violations... except that a
            // special-category zone allows what a personal-data zone forbids and no
            // retention: compare along the chain care → common drive, where the common
            // drive forbids everything personal.
            if zi == 1 {
                let c = assess(&f, zones[3], NOW);
                assert!(c.severity >= a.severity && c.score >= a.score, "{f:?}");
            }
            // No zone is never stricter than a zone.
            let none = assess(&f, None, NOW);
            assert!(none.severity <= a.severity, "{f:?}");
        }
        // The generator reaches every severity, and changes often cross a boundary: the
        // property is not checked on a flat corner of the model.
        assert!(
            seen_severities.iter().all(|n| *n > 50),
            "{seen_severities:?}"
        );
        assert!(raised > 1_000, "{raised}");
    }
}
