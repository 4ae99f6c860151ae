//! Times as the contract writes them: ISO 8601 in UTC, to the second.

use std::borrow::Cow;
use std::fmt;

use detect::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// Unix seconds, written `2026-12-01T08:30:00Z`; serialised without a string of its own
/// (a re-scan writes one per finding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoTime(pub i64);

impl IsoTime {
    /// The text in a buffer of its own (no formatter); `None` for a year outside 0000–9999.
    fn digits(self) -> Option<[u8; 20]> {
        let d = Date::from_days_since_epoch(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        let year = Some(u32::from(d.year)).filter(|y| *y <= 9999)?;
        let mut b = *b"0000-00-00T00:00:00Z";
        let parts = [
            (0, 4, year),
            (5, 2, u32::from(d.month)),
            (8, 2, u32::from(d.day)),
            (11, 2, (s / 3600) as u32),
            (14, 2, (s / 60 % 60) as u32),
            (17, 2, (s % 60) as u32),
        ];
        for (at, width, mut n) in parts {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
        Some(b)
    }

    /// Reads `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(text: &str) -> Option<IsoTime> {
        let b = text.as_bytes();
        if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u16>().ok();
        let date = Date::new(
            num(0..4)?,
            u8::try_from(num(5..7)?).ok()?,
            u8::try_from(num(8..10)?).ok()?,
        )?;
        let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let secs = i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
        Some(IsoTime(date.days_since_epoch() * 86_400 + secs))
    }
}

impl fmt::Display for IsoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(b) = self.digits() {
            return f.write_str(std::str::from_utf8(&b).unwrap_or_default());
        }
        let d = Date::from_days_since_epoch(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year,
            d.month,
            d.day,
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

impl Serialize for IsoTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.digits() {
            Some(b) => s.serialize_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for IsoTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(d)?;
        IsoTime::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a time: {text:?}")))
    }
}

impl JsonSchema for IsoTime {
    fn schema_name() -> Cow<'static, str> {
        "IsoTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 in UTC, to the second: 2026-12-01T08:30:00Z",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::IsoTime;

    #[test]
    fn times_are_iso_8601_in_utc_and_read_back() {
        assert_eq!(IsoTime(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(IsoTime(1_796_200_245).to_string(), "2026-12-02T08:30:45Z");
        assert_eq!(
            serde_json::to_string(&IsoTime(-1)).unwrap(),
            "\"1969-12-31T23:59:59Z\""
        );
        for t in [0, -1, 951_782_400, 1_796_200_245, 4_107_542_399] {
            assert_eq!(IsoTime::parse(&IsoTime(t).to_string()), Some(IsoTime(t)));
        }
        assert_eq!(IsoTime::parse("2026-13-01T00:00:00Z"), None);
        assert_eq!(IsoTime::parse("2026-12-01 00:00:00"), None);
    }
}
