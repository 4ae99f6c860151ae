//! Who can read an item: the `exposure` object of a finding, and what the scan database keeps
//! for each item.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How wide the circle of possible readers is, widest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Anyone, without credentials (an open web server, a share open to guests).
    Public,
    /// Everyone with an account in the organisation.
    Organisation,
    /// Named groups or users besides the owner (`principals`).
    Group,
    /// Only the owner (and administrators).
    Owner,
    /// Could not tell; `via` says why.
    #[default]
    Unknown,
}

impl Audience {
    /// Its name in the output (`public`, `organisation`, `group`, `owner`, `unknown`).
    pub fn name(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Organisation => "organisation",
            Audience::Group => "group",
            Audience::Owner => "owner",
            Audience::Unknown => "unknown",
        }
    }
}

/// How the item was reached, and so who else on the way could read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Transport {
    /// A local file system (or a mounted share: the mount's transport is not known).
    #[default]
    #[serde(rename = "local")]
    Local,
    /// Plain HTTP: readable by anyone on the network path.
    #[serde(rename = "http")]
    Http,
    /// HTTP over TLS.
    #[serde(rename = "https")]
    Https,
    /// SMB without encryption.
    #[serde(rename = "smb")]
    Smb,
    /// SMB 3 with encryption.
    #[serde(rename = "smb3-encrypted")]
    Smb3Encrypted,
}

impl Transport {
    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Local => "local",
            Transport::Http => "http",
            Transport::Https => "https",
            Transport::Smb => "smb",
            Transport::Smb3Encrypted => "smb3-encrypted",
        }
    }

    /// Whether the content crosses the network readable by anyone on the way.
    pub fn is_plain(self) -> bool {
        matches!(self, Transport::Http | Transport::Smb)
    }

    /// The transport of a name (`None` for a name it does not know).
    pub fn parse(name: &str) -> Option<Transport> {
        [
            Transport::Local,
            Transport::Http,
            Transport::Https,
            Transport::Smb,
            Transport::Smb3Encrypted,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who can read an item, and why. Members are written in this order (the order the contract
/// has always had: alphabetical).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Exposure {
    pub audience: Audience,
    /// Who the readers are: `group:NAME` and `user:NAME` (or `gid:N`, `uid:N`) for `group`,
    /// the owner for `owner`, empty for everyone.
    #[serde(default)]
    pub principals: Vec<String>,
    /// How many people can read it, at most, where that can be known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    pub transport: Transport,
    /// Why, in words: `mode 0644, every folder above searchable by all`, `served without
    /// credentials over HTTP; listed by https://…/`.
    pub via: String,
    /// The directory listing of a web server that exposed the item, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_by: Option<String>,
}

impl Exposure {
    /// An exposure that could not be judged, and why.
    pub fn unknown(via: String, transport: Transport) -> Exposure {
        Exposure {
            audience: Audience::Unknown,
            via,
            transport,
            ..Exposure::default()
        }
    }
}
