// The `project` param holds project ids: integers, or an `Option`, slice or `Vec` of them.
use leanrpc::rpc_service;

struct Svc;

#[rpc_service("svc")]
impl Svc {
    #[rpc(project = "project")]
    fn list(&self, project: String) -> String {
        project
    }
}

fn main() {}
