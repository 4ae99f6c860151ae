//! Values that several subcommands take: a confidence, a severity, an audience.

use clap::ValueEnum;

/// A severity on the command line.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for model::Severity {
    fn from(s: SeverityArg) -> model::Severity {
        match s {
            SeverityArg::Info => model::Severity::Info,
            SeverityArg::Low => model::Severity::Low,
            SeverityArg::Medium => model::Severity::Medium,
            SeverityArg::High => model::Severity::High,
            SeverityArg::Critical => model::Severity::Critical,
        }
    }
}

/// An audience on the command line.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// Anyone, without credentials.
    Public,
    /// Every employee.
    Organisation,
    /// Named groups or users.
    Group,
    /// The owner only.
    Owner,
    /// Could not tell.
    Unknown,
}

impl From<AudienceArg> for model::Audience {
    fn from(a: AudienceArg) -> model::Audience {
        match a {
            AudienceArg::Public => model::Audience::Public,
            AudienceArg::Organisation => model::Audience::Organisation,
            AudienceArg::Group => model::Audience::Group,
            AudienceArg::Owner => model::Audience::Owner,
            AudienceArg::Unknown => model::Audience::Unknown,
        }
    }
}

/// A confidence threshold on the command line (`--min-confidence`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

impl From<ConfidenceArg> for detect::Confidence {
    fn from(c: ConfidenceArg) -> detect::Confidence {
        match c {
            ConfidenceArg::Low => detect::Confidence::Low,
            ConfidenceArg::Medium => detect::Confidence::Medium,
            ConfidenceArg::High => detect::Confidence::High,
        }
    }
}

impl ConfidenceArg {
    /// The names of this confidence and those above it, as the store keeps them.
    pub fn at_least(self) -> Vec<&'static str> {
        let min = detect::Confidence::from(self);
        detect::Confidence::ALL
            .iter()
            .filter(|c| **c >= min)
            .map(|c| c.name())
            .collect()
    }
}
