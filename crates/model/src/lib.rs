//! The one model of what Datavakt reports, shared by the scan's output, the scan database's
//! readers (`findings`, `report`) and, later, the web application's API.
//!
//! Every JSON Lines record that `datavakt scan --format jsonl` prints is one of [`Record`]'s
//! variants; what the scan database's readers print are [`StoredFinding`], [`FindingDetail`],
//! [`Report`] and [`Breach`]. [`schema`] gives the JSON Schema (draft 2020-12) of each. Field order and names are the
//! output contract: the contract changes only by adding fields and kinds.
//!
//! [`words`] is the catalogue of the reports' words in five languages.
//!
//! Text fields are `Cow<str>`, so that a writer can describe a finding it holds without
//! copying it ([`Finding<'a>`]) and a reader can own what it parsed (`Finding<'static>`).

mod exposure;
mod finding;
mod record;
mod stored;
mod time;
pub mod words;

pub use exposure::{Audience, Exposure, Transport};
pub use finding::{kind_weight, Confidence, Finding, Media, Resolution, Severity, Status};
pub use record::{Other, OtherKind, Record, Summary, Url};
pub use stored::{
    Breach, FindingDetail, Group, Report, ScanPoint, Span, StatusChange, StoredFinding, StoredItem,
    TopItem,
};
pub use time::IsoTime;

/// The outputs that have a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// Every JSON Lines record of `datavakt scan --format jsonl` ([`Record`]).
    Scan,
    /// Every line of `datavakt findings list --format jsonl` ([`StoredFinding`]).
    Findings,
    /// `datavakt findings show ID --format json` ([`FindingDetail`]).
    Finding,
    /// `datavakt report --format json` ([`Report`]).
    Report,
    /// `datavakt report breach FOLDER --format json` ([`Breach`]).
    Breach,
}

impl Document {
    pub const ALL: [Document; 5] = [
        Document::Scan,
        Document::Findings,
        Document::Finding,
        Document::Report,
        Document::Breach,
    ];

    /// Its name on the command line (`datavakt schema NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Document::Scan => "scan",
            Document::Findings => "findings",
            Document::Finding => "finding",
            Document::Report => "report",
            Document::Breach => "breach",
        }
    }
}

/// The JSON Schema (draft 2020-12) of one output.
pub fn schema(of: Document) -> serde_json::Value {
    let (mut s, title) = match of {
        Document::Scan => (
            schemars::schema_for!(Record<'static>),
            "A record of `datavakt scan --format jsonl`",
        ),
        Document::Findings => (
            schemars::schema_for!(StoredFinding<'static>),
            "A line of `datavakt findings list --format jsonl`",
        ),
        Document::Finding => (
            schemars::schema_for!(FindingDetail<'static>),
            "`datavakt findings show ID --format json`",
        ),
        Document::Report => (
            schemars::schema_for!(Report),
            "`datavakt report --format json`",
        ),
        Document::Breach => (
            schemars::schema_for!(Breach),
            "`datavakt report breach FOLDER --format json`",
        ),
    };
    s.insert("title".into(), title.into());
    s.to_value()
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn finding() -> Finding<'static> {
        Finding {
            path: "/srv/a.csv".into(),
            location: Some("line 2".into()),
            kind: "dk-cpr".into(),
            confidence: Confidence::High,
            masked: "010190-****".into(),
            fingerprint: Some("hmac-sha256:5f".into()),
            value: None,
            variant: None,
            media: Media::default(),
            status: Status::Open,
            resolution: None,
            first_seen: IsoTime(0),
            exposure: Some(Cow::Owned(Exposure {
                audience: Audience::Group,
                principals: vec!["group:hr".into()],
                size: Some(3),
                transport: Transport::Local,
                via: "mode 0640".into(),
                listed_by: None,
            })),
            severity: Some(Severity::High),
            score: Some(7),
            why: Some(Cow::Owned(vec!["why".into()])),
        }
    }

    #[test]
    fn a_finding_is_written_in_the_contracts_order_and_read_back() {
        let f = finding();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"path":"/srv/a.csv","location":"line 2","kind":"dk-cpr","confidence":"high","masked":"010190-****","fingerprint":"hmac-sha256:5f","status":"open","first_seen":"1970-01-01T00:00:00Z","exposure":{"audience":"group","principals":["group:hr"],"size":3,"transport":"local","via":"mode 0640"},"severity":"high","score":7,"why":["why"]}"#
        );
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Record::Finding(f));
    }

    #[test]
    fn kinds_weigh_identity_numbers_first_and_names_last() {
        let mut kinds = ["name", "email", "health", "dk-cpr", "payment-card"];
        kinds.sort_by_key(|k| kind_weight(k));
        assert_eq!(kinds, ["dk-cpr", "health", "payment-card", "email", "name"]);
    }

    #[test]
    fn records_are_told_apart_by_their_members() {
        let error = r#"{"path":"/x.pdf","kind":"error","reason":"pdf: corrupt"}"#;
        let Record::Other(o) = serde_json::from_str(error).unwrap() else {
            panic!("an error record is an Other");
        };
        assert_eq!(o.kind, OtherKind::Error);
        let summary = serde_json::to_string(&Summary::default()).unwrap();
        assert!(summary.contains(r#""kind":"summary""#));
        assert!(matches!(
            serde_json::from_str(&summary).unwrap(),
            Record::Summary(_)
        ));
    }

    #[test]
    fn the_schema_is_draft_2020_12_and_names_every_record() {
        for d in Document::ALL {
            let s = schema(d);
            assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert!(s["title"].as_str().unwrap().contains(d.name()));
        }
        let s = schema(Document::Scan);
        let text = s.to_string();
        for name in ["Finding", "Other", "Url", "Summary", "Exposure"] {
            assert!(text.contains(name), "{name} missing from the schema");
        }
    }
}
