//! Comments on a ticket or a project (Leantime's `module` + entity id).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// The modules comments may be attached to here, each naming the table of its entity.
pub const MODULES: [&str; 2] = ["ticket", "project"];

/// A comment as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// `ticket` or `project`.
    pub module: String,
    /// The id of the ticket or project.
    pub module_id: i64,
    /// The comment it answers; 0 for none.
    pub comment_parent: i64,
    /// Its author.
    pub user_id: i64,
    /// The author's first name.
    pub firstname: String,
    /// The author's last name.
    pub lastname: String,
    /// The text (HTML in Leantime), stored verbatim.
    pub text: String,
    /// When it was written (`Y-m-d H:i:s`, UTC).
    pub date: String,
    /// Free status text.
    pub status: String,
}

/// The fields of a comment to write (`values`). Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommentValues {
    /// The text (required).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub text: Option<String>,
    /// The comment this one answers; 0 for none.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub father: Option<i64>,
    /// Free status text.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub status: Option<String>,
}
