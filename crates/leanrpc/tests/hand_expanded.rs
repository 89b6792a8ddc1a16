//! The code `#[rpc_service]` generates, written by hand: it pins the contract between the macro
//! and `leanrpc::__private`, independently of the macro.

use leanrpc::{Caller, Role, RpcError, Server};
use leanrpc_test_support::caller;

struct Tickets {
    prefix: String,
}

impl Tickets {
    async fn get_ticket(&self, caller: Option<&Caller>, id: i64) -> Result<String, RpcError> {
        if id == 404 {
            return Err(RpcError::not_found());
        }
        Ok(format!(
            "{}{}:{}",
            self.prefix,
            id,
            caller.map_or("anon", |c| c.key_id())
        ))
    }

    fn list(&self, project_id: Option<i64>, limit: u32) -> Vec<i64> {
        vec![project_id.unwrap_or(-1), i64::from(limit)]
    }
}

// The borrows select a schema by autoref; clippy's "needless borrow" would change the choice.
#[allow(clippy::needless_borrow)]
const _: () = {
    use ::leanrpc::__private as lr;

    static GET_TICKET_PARAMS: [lr::ParamDef; 1] = [lr::ParamDef {
        name: "id",
        camel: "id",
        required: true,
        ty: "i64",
        schema: get_ticket_schema_0,
        default: lr::no_default,
    }];
    static LIST_PARAMS: [lr::ParamDef; 2] = [
        lr::ParamDef {
            name: "project_id",
            camel: "projectId",
            required: false,
            ty: "Option<i64>",
            schema: list_schema_0,
            default: lr::no_default,
        },
        lr::ParamDef {
            name: "limit",
            camel: "limit",
            required: false,
            ty: "u32",
            schema: list_schema_1,
            default: list_default_1,
        },
    ];

    // Schema selection by autoref: `i64` and `Option<i64>` implement `JsonSchema`.
    fn get_ticket_schema_0() -> lr::Value {
        #[allow(unused_imports)]
        use lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
        (&&lr::schema::SchemaOf::<i64>::new()).schema()
    }
    fn list_schema_0() -> lr::Value {
        #[allow(unused_imports)]
        use lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
        (&&lr::schema::SchemaOf::<Option<i64>>::new()).schema()
    }
    fn list_schema_1() -> lr::Value {
        #[allow(unused_imports)]
        use lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
        (&&lr::schema::SchemaOf::<u32>::new()).schema()
    }
    // A `#[rpc(default)]` param's default as JSON, by autoref: `u32` serializes.
    fn list_default_1() -> Option<lr::Value> {
        #[allow(unused_imports)]
        use lr::default::{NoDefault as _, SerializedDefault as _};
        (&&lr::default::DefaultOf::<u32>::new()).value()
    }
    // A spelled-out `Result<T, E>`: `T`'s schema.
    fn get_ticket_result_schema() -> lr::Value {
        #[allow(unused_imports)]
        use lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
        (&&lr::schema::SchemaOf::<String>::new()).schema()
    }
    // Any other return type may alias `Result`: four references look through it.
    fn list_result_schema() -> lr::Value {
        #[allow(unused_imports)]
        use lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
        (&&&&lr::schema::SchemaOf::<Vec<i64>>::new()).schema()
    }

    // One `Option` per JSON param: the params are read once, straight into these.
    struct GetTicketSlots(Option<i64>);

    impl lr::Slots for GetTicketSlots {
        fn fill<'de, D: lr::Deserializer<'de>>(
            &mut self,
            index: usize,
            de: D,
        ) -> Result<(), D::Error> {
            match index {
                0 => lr::fill(&mut self.0, de),
                _ => Ok(()),
            }
        }

        fn is_filled(&self, index: usize) -> bool {
            match index {
                0 => self.0.is_some(),
                _ => false,
            }
        }
    }

    struct ListSlots(Option<Option<i64>>, Option<u32>);

    impl lr::Slots for ListSlots {
        fn fill<'de, D: lr::Deserializer<'de>>(
            &mut self,
            index: usize,
            de: D,
        ) -> Result<(), D::Error> {
            match index {
                0 => lr::fill(&mut self.0, de),
                1 => lr::fill(&mut self.1, de),
                _ => Ok(()),
            }
        }

        fn is_filled(&self, index: usize) -> bool {
            match index {
                0 => self.0.is_some(),
                1 => self.1.is_some(),
                _ => false,
            }
        }
    }

    fn get_ticket<'a>(
        service: &'a (dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync),
        inv: lr::Invocation<'a>,
    ) -> lr::Answer<'a> {
        // An `async` method: a future the server awaits.
        lr::Answer::Pending(::std::boxed::Box::pin(async move {
            let this = lr::downcast::<Tickets>(service)?;
            let mut slots = GetTicketSlots(None);
            lr::bind_with(
                inv.params,
                &GET_TICKET_PARAMS,
                &mut slots,
                lr::UnknownParams::Reject,
            )?;
            let caller: Option<&Caller> = lr::from_context(inv.ctx)?;
            let id: i64 = lr::take(slots.0)?;
            let ret = this.get_ticket(caller, id).await;
            let ret = lr::Ret(ret);
            #[allow(unused_imports)]
            use lr::{ResultKind as _, ValueKind as _};
            (&ret).kind().write(inv.out, ret.0)
        }))
    }

    fn list<'a>(
        service: &'a (dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync),
        inv: lr::Invocation<'a>,
    ) -> lr::Answer<'a> {
        // A synchronous method runs at once: no future.
        lr::Answer::Ready((move || -> ::core::result::Result<(), lr::RpcError> {
            let this = lr::downcast::<Tickets>(service)?;
            let mut slots = ListSlots(None, None);
            lr::bind_with(
                inv.params,
                &LIST_PARAMS,
                &mut slots,
                lr::UnknownParams::Reject,
            )?;
            let project_id: Option<i64> = lr::take_or_default(slots.0)?;
            lr::check_project(inv.ctx, &project_id)?;
            let limit: u32 = lr::take_or_default(slots.1)?;
            let ret = this.list(project_id, limit);
            let ret = lr::Ret(ret);
            #[allow(unused_imports)]
            use lr::{ResultKind as _, ValueKind as _};
            (&ret).kind().write(inv.out, ret.0)
        })())
    }

    static DEFS: [lr::MethodDef; 2] = [
        lr::MethodDef {
            service: "tickets",
            name: "getTicket",
            aliases: &[],
            rust_name: "get_ticket",
            params: &GET_TICKET_PARAMS,
            raw_params: false,
            result: "Result<String, RpcError>",
            result_schema: get_ticket_result_schema,
            errors: &[-32002],
            doc: "Returns one ticket.",
            file: file!(),
            line: 9,
            service_type: lr::type_id::<Tickets>,
            type_name: "Tickets",
            access: lr::Access {
                min_role: Some(lr::Role::Readonly),
                scopes: &[],
            },
            unknown_params: lr::UnknownParams::Reject,
            handler: get_ticket,
        },
        lr::MethodDef {
            service: "tickets",
            name: "getAllTickets",
            aliases: &["list"],
            rust_name: "list",
            params: &LIST_PARAMS,
            raw_params: false,
            result: "Vec<i64>",
            result_schema: list_result_schema,
            errors: &[],
            doc: "",
            file: file!(),
            line: 16,
            service_type: lr::type_id::<Tickets>,
            type_name: "Tickets",
            access: lr::Access {
                min_role: Some(lr::Role::Readonly),
                scopes: &[],
            },
            unknown_params: lr::UnknownParams::Reject,
            handler: list,
        },
    ];

    lr::inventory::submit! { lr::Registration(&DEFS[0]) }
    lr::inventory::submit! { lr::Registration(&DEFS[1]) }

    impl lr::RpcService for Tickets {
        const NAME: &'static str = "tickets";
        fn methods() -> &'static [lr::MethodDef] {
            &DEFS
        }
    }
};

fn server(explicit: bool) -> Server {
    let builder = Server::builder().namespace("leantime.rpc");
    let tickets = Tickets { prefix: "t".into() };
    let builder = if explicit {
        builder.service_explicit(tickets)
    } else {
        builder.service(tickets)
    };
    builder.build().unwrap()
}

fn call(server: &Server, body: &str) -> String {
    let out = futures_executor::block_on(server.call(body)).unwrap_or_default();
    String::from_utf8(out).unwrap()
}

#[test]
fn inventory_and_explicit_mounting_agree() {
    for explicit in [false, true] {
        let s = server(explicit);
        assert_eq!(
            s.method_names().collect::<Vec<_>>(),
            [
                "leantime.rpc.tickets.getTicket",
                "leantime.rpc.tickets.getAllTickets"
            ]
        );
        assert_eq!(
            call(
                &s,
                r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":{"id":"9"},"id":"1"}"#
            ),
            r#"{"jsonrpc":"2.0","result":"t9:anon","id":"1"}"#
        );
    }
}

#[test]
fn leantime_name_forms_resolve() {
    let s = server(false);
    for name in [
        "leantime.rpc.tickets.getTicket",
        "leantime.rpc.Tickets.Tickets.getTicket",
        "leantime.rpc.tickets.get_ticket",
        "Leantime.Rpc.TICKETS.GetTicket",
        "leantime.rpc.tickets.get-ticket",
    ] {
        assert_eq!(
            s.resolve(name).map(|m| m.def.rust_name),
            Some("get_ticket"),
            "{name}"
        );
    }
    assert_eq!(
        s.resolve("leantime.rpc.tickets.list")
            .map(|m| m.def.rust_name),
        Some("list")
    );
    for name in [
        "tickets.getTicket",
        "leantime.rpc.projects.tickets.getTicket",
        "leantime.rpc.getTicket",
        "leantime.rpc.tickets.nope",
    ] {
        assert!(s.resolve(name).is_none(), "{name}");
    }
}

#[test]
fn results_errors_and_defaults() {
    let s = server(false);
    assert_eq!(
        call(
            &s,
            r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":[404],"id":2}"#
        ),
        r#"{"jsonrpc":"2.0","error":{"code":-32002,"message":"Not found"},"id":2}"#
    );
    assert_eq!(
        call(
            &s,
            r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAllTickets","params":{"projectId":"3"},"id":3}"#
        ),
        r#"{"jsonrpc":"2.0","result":[3,0],"id":3}"#
    );
    assert_eq!(
        call(
            &s,
            r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAllTickets","id":4}"#
        ),
        r#"{"jsonrpc":"2.0","result":[-1,0],"id":4}"#
    );
}

#[test]
fn caller_and_project_scope_reach_the_handler() {
    let s = server(false);
    let mut caller = caller(Role::Readonly);
    caller.grant_mut().projects = vec![1];
    let run = |body: &str| {
        String::from_utf8(futures_executor::block_on(s.call_as(body, Some(&caller))).unwrap())
            .unwrap()
    };
    assert_eq!(
        run(r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":[1],"id":1}"#),
        r#"{"jsonrpc":"2.0","result":"t1:k1","id":1}"#
    );
    assert!(
        run(
            r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAllTickets","params":[2],"id":1}"#
        )
        .contains("-32001")
    );
    assert!(
        run(
            r#"{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAllTickets","params":[1],"id":1}"#
        )
        .contains("[1,0]")
    );
}

#[test]
fn schemas_are_selected_by_autoref() {
    let s = server(false);
    let doc: serde_json::Value = serde_json::from_str(&s.openrpc_document(None).unwrap()).unwrap();
    let get_ticket = &doc["methods"][0];
    let list = &doc["methods"][1];
    // The default of `limit` (`#[rpc(default)] u32`) by autoref: `u32` serializes.
    let limit = &s.api().methods()[1].params()[1];
    assert_eq!(limit.name(), "limit");
    assert_eq!(limit.default_value(), Some(&serde_json::json!(0)));
    assert_eq!(s.api().methods()[1].params()[0].default_value(), None);
    if cfg!(feature = "schemars") {
        assert_eq!(get_ticket["params"][0]["schema"]["type"], "integer");
        assert_eq!(get_ticket["result"]["schema"]["type"], "string");
        assert_eq!(list["result"]["schema"]["type"], "array");
    } else {
        assert_eq!(get_ticket["params"][0]["schema"], serde_json::json!({}));
        assert_eq!(list["result"]["schema"], serde_json::json!({}));
    }
    assert_eq!(get_ticket["errors"][1]["code"], -32002);
}
