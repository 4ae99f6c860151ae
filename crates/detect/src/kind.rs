//! The vocabulary of findings: kinds, variants, confidence.

use std::fmt;

/// What a finding is. The names are the `kind` values of the output contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    DkCpr,
    SePersonnummer,
    NoFodselsnummer,
    FiHetu,
    IsKennitala,
    /// Health or care information about a person (GDPR art. 9), decided per document.
    Health,
    Email,
    /// A phone number with a Nordic country code, or a national one after a phone label.
    Phone,
    Iban,
    PaymentCard,
    /// The machine-readable zone of a passport (ICAO 9303 TD3).
    PassportMrz,
    /// A person's full name: a first name and a last name from the national name lists.
    Name,
    /// A postal address: street and number, postcode and town.
    Address,
    /// A finding of a user rule; its kind name is the rule's (`Finding::custom`).
    Custom,
}

impl Kind {
    /// The identity-number kinds.
    pub const IDENTITY: [Kind; 5] = [
        Kind::DkCpr,
        Kind::SePersonnummer,
        Kind::NoFodselsnummer,
        Kind::FiHetu,
        Kind::IsKennitala,
    ];

    /// The contract name, e.g. `dk-cpr`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DkCpr => "dk-cpr",
            Kind::SePersonnummer => "se-personnummer",
            Kind::NoFodselsnummer => "no-fodselsnummer",
            Kind::FiHetu => "fi-hetu",
            Kind::IsKennitala => "is-kennitala",
            Kind::Health => "health",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Iban => "iban",
            Kind::PaymentCard => "payment-card",
            Kind::PassportMrz => "passport-mrz",
            Kind::Name => "name",
            Kind::Address => "address",
            Kind::Custom => "custom",
        }
    }

    /// The kind's bit in sets of identity-number kinds; 0 for other kinds.
    pub(crate) fn bit(self) -> u8 {
        if self.is_identity() {
            1 << (self as u8)
        } else {
            0
        }
    }

    /// Whether this is a national identity number.
    pub fn is_identity(self) -> bool {
        Kind::IDENTITY.contains(&self)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which kind of number within its kind, when it is not an ordinary personal number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    Ordinary,
    /// Danish CPR issued without modulus 11 (listed 1 January birth dates).
    DkWithoutModulus11,
    /// Danish CPR that fails modulus 11 on a date where no such numbers are issued.
    DkFailsModulus11,
    /// Danish substitute number (erstatningspersonnummer): day + 60.
    DkSubstitute,
    /// Swedish samordningsnummer: day + 60.
    SeCoordination,
    /// Norwegian D-nummer: day + 40.
    NoDNumber,
    /// Norwegian H-nummer: month + 40.
    NoHNumber,
    /// Norwegian synthetic test number: month + 80. Test data, not a person.
    NoTestNumber,
    /// Norwegian number valid only under the check-digit rule in force from 2032.
    No2032Rule,
    /// Finnish temporary number (individual number 900-999).
    FiTemporary,
}

impl Variant {
    /// A short name for output, `None` for ordinary numbers.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Variant::Ordinary => return None,
            Variant::DkWithoutModulus11 => "without-modulus-11",
            Variant::DkFailsModulus11 => "fails-modulus-11",
            Variant::DkSubstitute => "substitute-number",
            Variant::SeCoordination => "samordningsnummer",
            Variant::NoDNumber => "d-nummer",
            Variant::NoHNumber => "h-nummer",
            Variant::NoTestNumber => "test-number",
            Variant::No2032Rule => "2032-check-digit-rule",
            Variant::FiTemporary => "temporary-number",
        })
    }
}

/// How much a validation alone says about a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Cannot be an issued personal number today (fails the check in force, or test data):
    /// reported at most as low confidence.
    Doubtful,
    /// Valid without a check digit to confirm it (the CPR numbers without modulus 11).
    DateOnly,
    /// Date, century and check digit all valid.
    Checksum,
}

/// Confidence of a finding, ordered `Low < Medium < High`; written `low`, `medium`, `high`
/// (the output model uses this type as it is).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// Parses `low`, `medium` or `high`.
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
