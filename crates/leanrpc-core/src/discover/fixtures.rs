//! What the discovery tests share: two methods on a `Ticket`, and a model of them.

use std::any::{Any, TypeId};

use serde_json::{Value, json};

use super::{Api, Settings};
use crate::auth::{Access, Caller, Role};
use crate::params::{ParamDef, no_default, no_schema};
use crate::registry::{Invocation, MethodDef};

pub(super) fn handler<'a>(_: &'a (dyn Any + Send + Sync), _: Invocation<'a>) -> crate::Answer<'a> {
    crate::Answer::Ready(Ok(()))
}

pub(super) fn ticket_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Ticket",
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "integer"}}
    })
}

pub(super) fn int_schema() -> Value {
    json!({"title": "int64", "type": "integer", "format": "int64"})
}

pub(super) static ID: [ParamDef; 1] = [ParamDef {
    name: "id",
    camel: "id",
    required: true,
    ty: "i64",
    schema: int_schema,
    default: no_default,
}];

pub(super) const fn def(
    name: &'static str,
    min_role: Role,
    params: &'static [ParamDef],
) -> MethodDef {
    MethodDef {
        service: "tickets",
        name,
        aliases: &[],
        rust_name: name,
        params,
        raw_params: false,
        result: "Ticket",
        result_schema: ticket_schema,
        errors: &[-32002],
        doc: "Does it.\n\nIn detail.",
        file: "",
        line: 0,
        service_type: TypeId::of::<()>,
        type_name: "Tickets",
        access: Access {
            min_role: Some(min_role),
            scopes: &[],
        },
        unknown_params: crate::params::UnknownParams::Reject,
        handler,
    }
}

pub(super) static READ: MethodDef = def("getTicket", Role::Readonly, &ID);
pub(super) static WRITE: MethodDef = MethodDef {
    result_schema: no_schema,
    ..def("deleteTicket", Role::Manager, &ID)
};

pub(super) fn settings(auth: bool) -> Settings<'static> {
    Settings {
        title: "T",
        version: "1.2.3",
        path: "/api/jsonrpc",
        auth,
        default_role: Role::Admin,
    }
}

/// The model of `getTicket` (readonly) and `deleteTicket` (manager).
pub(super) fn api(auth: bool) -> Api {
    Api::build(
        &settings(auth),
        [
            ("ns.tickets.getTicket", &READ),
            ("ns.tickets.deleteTicket", &WRITE),
        ],
    )
}

pub(super) fn caller(role: Role) -> Caller {
    crate::auth::test_caller(role, Vec::new(), &[])
}
