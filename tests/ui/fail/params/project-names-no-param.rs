// `project = "..."` names one of the method's JSON params.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(project = "project")]
    fn list(&self, project_id: i64, limit: u32) -> i64 {
        project_id + i64::from(limit)
    }
}

fn main() {}
