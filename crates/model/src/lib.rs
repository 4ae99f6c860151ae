//! The one model of what Datavakt reports, shared by the scan's output, the scan database's
//! readers (`findings`, `report`) and, later, the web application's API.
//!
//! Every JSON Lines record that `datavakt scan --format jsonl` prints is one of [`Record`]'s
//! variants; [`schema`] gives their JSON Schema (draft 2020-12). Field order and names are the
//! output contract: the contract changes only by adding fields and kinds.
//!
//! Text fields are `Cow<str>`, so that a writer can describe a finding it holds without
//! copying it ([`Finding<'a>`]) and a reader can own what it parsed (`Finding<'static>`).

mod exposure;
mod finding;
mod record;
mod time;

pub use exposure::{Audience, Exposure, Transport};
pub use finding::{Confidence, Finding, Media, Resolution, Severity, Status};
pub use record::{Other, OtherKind, Record, Summary, Url};
pub use time::IsoTime;

/// The JSON Schema (draft 2020-12) of every JSON Lines record a scan prints.
pub fn schema() -> serde_json::Value {
    let mut s = schemars::schema_for!(Record<'static>).to_value();
    if let Some(o) = s.as_object_mut() {
        o.insert(
            "title".into(),
            "A record of `datavakt scan --format jsonl`".into(),
        );
    }
    s
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
        let s = schema();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let text = s.to_string();
        for name in ["Finding", "Other", "Url", "Summary", "Exposure"] {
            assert!(text.contains(name), "{name} missing from the schema");
        }
    }
}
