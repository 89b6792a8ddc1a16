//! The tickets API from Rust, with the clients `#[rpc_service(client)]` generated:
//! `KEY=lt_... cargo run -p tickets --example client` while `tickets serve` runs.

use leanrpc::client::{Client, HttpTransport};
use tickets::model::{ProjectValues, TicketValues};
use tickets::{NAMESPACE, ProjectsClient, TicketsClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let transport = HttpTransport::builder("http://127.0.0.1:8080/api/jsonrpc")
        .api_key(std::env::var("KEY")?)
        .build()?;
    let client = Client::new(transport, NAMESPACE); // "leantime.rpc", given once
    let projects = ProjectsClient::new(client.clone());
    let tickets = TicketsClient::new(client);

    let name = Some("Website".to_owned());
    let project = projects
        .add_project(ProjectValues {
            name,
            ..Default::default()
        })
        .await?;
    let values = TicketValues {
        project_id: Some(project),
        headline: Some("Fix login".to_owned()),
        ..Default::default()
    };
    let id = tickets.add_ticket(values).await?;
    let ticket = tickets.get_ticket(id).await?; // a `tickets::model::Ticket`
    println!(
        "#{} {}: {}",
        ticket.id,
        ticket.status_label.unwrap_or_default(),
        ticket.headline
    );

    // Errors keep the server's code, message and data.
    let missing = tickets.get_ticket(id + 1000).await.unwrap_err();
    println!("{missing}"); // the server answered -32002: Not found

    // Several typed calls in one request, each answer back with its call.
    let mut batch = tickets.client().batch();
    let first = batch.add(tickets.get_ticket(id));
    let labels = batch.add(tickets.get_status_labels(None));
    let mut answers = batch.send().await?;
    println!(
        "{} is {}",
        answers.take(first)?.headline,
        answers.take(labels)?["3"].name
    );
    Ok(())
}
