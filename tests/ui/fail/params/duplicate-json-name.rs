// Two params of a method may not answer to the same JSON name.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    fn get(&self, project_id: i64, #[rpc(name = "projectId")] other: i64) -> i64 {
        project_id + other
    }
}

fn main() {}
