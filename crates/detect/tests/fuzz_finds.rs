//! Inputs the fuzz targets found, kept as tests: each failed before its fix.

use datavakt_detect::rules::Rules;
use datavakt_detect::{Date, Detector, Finding};

const RULES: &str = r#"
[[rule]]
id = "emp"
kind = "employee-number"
category = "identifier"
sensitivity = "medium"
regex = '\bEMP-(\d{4,8})\b'
validator = "luhn"
context = ["anst"]
"#;

fn detector() -> Detector {
    let rules = Rules::parse(RULES, "fuzz.toml").unwrap();
    Detector::new(Date::new(2026, 11, 22).unwrap()).with_rules(rules)
}

/// A rule with a capture group reports its finding where the group is: the `detect` fuzz
/// target found its offset at the start of the whole match (in Latin-1 text; in UTF-8 alike).
#[test]
fn a_rule_finding_is_where_its_value_is() {
    let fuzzed: &[u8] = b"660\xd1\xcd\xcd\xcdEMP-2030\xd1\xdd\xcd\xcdEMP-2:0200\xb10s1:02*0\xb10s\xff\x04\x00\x00\x00\xff\xff\xff\xff\xff\xff\x00*T\xff+DX.\x8311\xff\xff\xff\xff1";
    for data in [fuzzed, b"660 EMP-2030 x\nEMP-\n79927398713"] {
        let mut found: Vec<Finding> = Vec::new();
        detector().scan(data, &mut found);
        assert!(!found.is_empty());
        for f in &found {
            let at = usize::try_from(f.offset).unwrap();
            let value = f.value.expose();
            assert_eq!(
                &data[at..at + value.len()],
                value.as_bytes(),
                "{}",
                f.offset
            );
        }
    }
}
