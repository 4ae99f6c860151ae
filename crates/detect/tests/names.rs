//! The real name lists (`scripts/fetch-names`) with the detector: names of all five countries
//! are found, and ordinary capitalised text is not taken for names. Reads the list named by
//! `$DATAVAKT_TEST_NAMES` (set by `scripts/test`) and skips, saying so, without it.

use datavakt_detect::{Date, Detector, Kind, Names};

fn detector() -> Option<Detector> {
    let Some(path) = std::env::var_os("DATAVAKT_TEST_NAMES") else {
        eprintln!("SKIPPED: DATAVAKT_TEST_NAMES is not set (scripts/test sets it)");
        return None;
    };
    let text = std::fs::read_to_string(&path).expect("the name list named by DATAVAKT_TEST_NAMES");
    let names = Names::parse(&text).expect("the fetched name list parses");
    assert!(names.len() > 5000, "only {} names", names.len());
    Some(Detector::new(Date::new(2026, 12, 1).unwrap()).with_names(names))
}

fn names_in(det: &Detector, text: &str) -> Vec<String> {
    let mut out = vec![];
    det.scan(text.as_bytes(), &mut out);
    out.into_iter()
        .filter(|f| f.kind == Kind::Name)
        .map(|f| f.masked)
        .collect()
}

#[test]
fn names_of_every_country_are_found() {
    let Some(det) = detector() else { return };
    for (text, masked) in [
        (
            "Hemtjänsten besökte Karin Johansson i går.",
            "K**** J********",
        ),
        ("Borgeren Mette Nielsen fik besøg.", "M**** N******"),
        ("Pasienten Ingrid Hansen ble sett.", "I***** H*****"),
        ("Asiakas Mikko Virtanen soitti.", "M**** V*******"),
        ("Sjúklingurinn Guðrún Jónsdóttir kom.", "G***** J*********"),
        ("Namn: Lindqvist, Anna", "L********, A***"),
    ] {
        assert_eq!(names_in(&det, text), [masked], "{text}");
    }
}

#[test]
fn ordinary_capitalised_text_is_not_a_name() {
    let Some(det) = detector() else { return };
    for text in [
        "Per capita ökade kostnaderna. Dag för dag blev det bättre.",
        "Kommunen Budget 2024 Helse Og Omsorg Oslo Kommune",
        "The Quick Brown Fox Jumps Over The Lazy Dog.",
        "Storgatan 12, Stockholm. Mark och Vatten, Liv och Hälsa.",
        "Hemtjänst Norra Distriktet, Vård och Omsorg, Socialförvaltningen.",
    ] {
        assert_eq!(names_in(&det, text), Vec::<String>::new(), "{text}");
    }
}
