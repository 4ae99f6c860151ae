//! Assessment of Datavakt's findings: which policy zone an item lies in, and how severe its
//! findings are, with the reasons in words a data protection officer can check. Pure: no
//! I/O; the binary reads the policy file, gathers each item's findings and exposure into
//! [`ItemFacts`], and calls [`assess`].
//!
//! # Policy
//!
//! A TOML file of `[[zone]]` tables ([`Policy::parse`]): where each zone is (path prefixes
//! or globs, URL prefixes, share prefixes), what it may hold ([`Holds`]), who owns it, and an
//! optional retention in days. [`Policy::zone_of`] finds the most specific zone of a
//! location. The `policy` module documents the matching rules.
//!
//! ```toml
//! [[zone]]
//! name = "HR"
//! paths = ["/srv/shares/hr", "/srv/shares/*/personal"]
//! urls = ["https://intra.example.dk/hr/"]
//! shares = ["smb://fs01/hr"]
//! holds = "special-category"      # no-personal-data | personal-data | special-category
//! owner = "HR department"
//! contact = "hr-it@example.dk"
//! retention_days = 365            # findings older than this break the zone's rule
//!
//! [[zone]]
//! name = "Common drive"
//! paths = ["/srv/shares/gemensam"]
//! holds = "no-personal-data"
//! owner = "IT"
//! ```
//!
//! # Severity
//!
//! Risk is impact × exposure, as in every risk assessment the regulators ask for; the
//! policy then adds steps. For one item:
//!
//! 1. **Impact**: the most sensitive class of data present — ordinary personal data
//!    (contact details, names, addresses, low-sensitivity rules) 1; an encrypted archive
//!    (contents unknown) 2; identity numbers, payment data, camera photos, medium rules 3;
//!    high-sensitivity rules 4; health data, or audio and video recordings (voices identify
//!    people, content unreadable) 5; health data together with identity numbers 7. Plus 1
//!    for each threshold of people reached: 10, 100, 1,000, 10,000 (people are distinct
//!    identity-number fingerprints; each recording or photo counts as a person).
//! 2. **Exposure**: owner 2; a group of up to 10, of unknown size, or an unknown audience
//!    4; a group of 11 to 50: 5; a group of more than 50: 7 (close to everyone);
//!    organisation 8; public 12, plus 1 over plain HTTP or unencrypted SMB and 1 when a
//!    directory listing shows it.
//! 3. **Base severity** from risk: no personal data → info; below 14 → low; from 14
//!    medium, from 28 high, from 60 critical.
//! 4. **Policy**: one step up (at most critical) for each rule broken — personal data in a
//!    `no-personal-data` zone; health data in a `personal-data` zone; personal data older
//!    than the zone's retention (age counts from the earlier of the first sighting and the
//!    modification time).
//! 5. **Cap**: an encrypted archive with nothing else known is medium at most unless it is
//!    public.
//!
//! So the 900-client conversion file with CPR numbers and care details on a drive every
//! employee reads is (7 + 2) × 8 = 72, critical; a call recording on an open web server is
//! 5 × 12 = 60, critical; one CPR number in an owner-only file is 3 × 2 = 6, low; health
//! data with a CPR number, owner-only, 7 × 2 = 14, medium.
//!
//! Every factor only ever adds, so the model is monotone: more people, wider exposure,
//! health data or a broken rule never lower the severity (or the score). The
//! [`Assessment::score`] orders items within a severity: risk first, then broken rules,
//! then the exact number of people, the number of findings, the age in years, and
//! unencrypted transport.
//!
//! The reasons are data ([`Reason`], in [`Assessment::reasons`]) as well as English
//! sentences ([`Assessment::why`]), both from the catalogue of the reports' words
//! (`model::words`): the scan prints the sentences, and `datavakt report` says the same steps
//! in its reader's language ([`Reason::say`]).
//!
//! Not counted: names, addresses and contact details raise no volume (a public staff
//! directory is not a leak), and a passport's fingerprint is not a person (it cannot be
//! compared with an identity number's, so one person could count twice).

//! # Use
//!
//! ```
//! use datavakt_assess::{assess, Audience, ItemFacts, Policy, Severity, Transport};
//!
//! let policy = Policy::parse(
//!     "[[zone]]\nname = \"Common drive\"\npaths = [\"/srv/gemensam\"]\n\
//!      holds = \"no-personal-data\"\n",
//!     "policy.toml",
//! )?;
//! let mut item = ItemFacts::default();
//! for (i, fp) in ["hmac-sha256:01", "hmac-sha256:02", "hmac-sha256:01"].iter().enumerate() {
//!     item.add_finding("dk-cpr", None, Some(fp), 1_650_000_000 + i as i64);
//! }
//! item.add_finding("health", None, None, 1_650_000_000);
//! item.audience = Audience::Organisation;
//! item.transport = Transport::Smb;
//! item.modified = Some(1_640_000_000);
//!
//! let zone = policy.zone_of("/srv/gemensam/Export/konvertering.csv");
//! let a = assess(&item, zone, 1_717_200_000);
//! assert_eq!(a.severity, Severity::Critical);
//! assert_eq!(a.why[0], "2 people identified by identity number");
//! # Ok::<(), datavakt_assess::PolicyError>(())
//! ```

#![warn(missing_docs)]

mod facts;
pub mod policy;
mod reason;
mod severity;

pub use facts::{fingerprint_key, Audience, Counts, ItemFacts, Transport, IDENTITY_KINDS};
pub use policy::{Holds, Policy, PolicyError, Zone};
pub use reason::{Band, Class, Readers, Reason, Span};
pub use severity::{assess, Assessment, Severity};
