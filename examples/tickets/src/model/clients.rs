//! Clients: the customers projects are for.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// A client as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Street.
    pub street: String,
    /// Postal code.
    pub zip: String,
    /// City.
    pub city: String,
    /// State.
    pub state: String,
    /// Country.
    pub country: String,
    /// Phone.
    pub phone: String,
    /// Web site.
    pub internet: String,
    /// Email.
    pub email: String,
    /// How many projects it has.
    pub number_of_projects: i64,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// The fields of a client to create or change. Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientValues {
    /// The client (for `editClient`).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    /// Its name (required to create).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// Street.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub street: Option<String>,
    /// Postal code.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub zip: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub city: Option<String>,
    /// State.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub state: Option<String>,
    /// Country.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub country: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub phone: Option<String>,
    /// Web site.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub internet: Option<String>,
    /// Email.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub email: Option<String>,
}
