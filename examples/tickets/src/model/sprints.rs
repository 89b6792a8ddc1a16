//! Sprints of a project.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// A sprint as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sprint {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its project.
    pub project_id: i64,
    /// First day (`Y-m-d H:i:s`).
    pub start_date: Option<String>,
    /// Last day (`Y-m-d H:i:s`).
    pub end_date: Option<String>,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// The fields of a sprint to create or change (`params`). Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SprintParams {
    /// The sprint (for `editSprint`).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    /// Its project (required to create).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub project_id: Option<i64>,
    /// Its name (required to create).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// First day.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub start_date: Option<String>,
    /// Last day.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub end_date: Option<String>,
}
