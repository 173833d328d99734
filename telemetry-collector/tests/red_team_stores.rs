//! Red team of the server stores' newest code against real servers: ClickHouse's concurrent inserts of a group
//! (one fails: the batch is not acknowledged, and its retry counts once) and PostgreSQL's row-by-row quarantine
//! (a refusal that is not the row's fault must be a 503, not a quarantined row).
//!
//! Skipped, with a message, unless `TELEMETRY_TEST_POSTGRES_URL` / `TELEMETRY_TEST_CLICKHOUSE_URL` are set.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::warehouse::*;
use support::*;

/// The acme envelope of `event`, and its table's name.
fn acme(event: &str) -> (String, String) {
    let envelope = acme_envelopes(&acme_header())
        .into_iter()
        .find(|e| serde_json::from_str::<Value>(e).unwrap()["event"] == event)
        .unwrap();
    let version = serde_json::from_str::<Value>(&envelope).unwrap()["schema_version"].as_u64().unwrap();
    let table = model().table(event, u32::try_from(version).unwrap()).unwrap().1.name.clone();
    (envelope, table)
}

#[test]
fn clickhouse_a_group_retried_after_one_insert_failed_counts_once_even_in_a_later_time_step() {
    let Some(url) = server_url("TELEMETRY_TEST_CLICKHOUSE_URL", "clickhouse retry in a later time step") else {
        return;
    };
    let url = fresh_clickhouse(&url, "rtretry");
    // A one-second granularity makes the retry land in another time step, as a retry at 12:59:58 and 13:00:03
    // does with the default hour (and at the end of a month, in another partition).
    let collector = start_with_store(&url, &["--time-granularity", "1s"]);
    let (feedback, feedback_table) = acme("ERROR_FEEDBACK");
    let (command, command_table) = acme("CLI_COMMAND");
    let body = batch_body(&batch_id(0xAB), &[command, feedback]);
    // One of the group's inserts fails (its table is away): the others are written, the batch is not.
    clickhouse(&url, &format!("RENAME TABLE {feedback_table} TO away"));
    let response = post(collector.addr, body.as_bytes());
    assert_eq!(response.status, 503, "{}", String::from_utf8_lossy(&response.body));
    clickhouse(&url, &format!("RENAME TABLE away TO {feedback_table}"));
    std::thread::sleep(Duration::from_millis(1_100));
    let mut retried = post(collector.addr, body.as_bytes());
    for _ in 0..20 {
        if retried.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        retried = post(collector.addr, body.as_bytes());
    }
    assert_eq!(retried.status, 200, "{}", String::from_utf8_lossy(&retried.body));
    assert_eq!(retried.json()["status"], "stored");
    let id = batch_id(0xAB);
    for table in [&command_table, &feedback_table] {
        let n = clickhouse_count(&url, &format!("SELECT count() FROM {table} FINAL WHERE batch_id = '{id}'"));
        assert_eq!(n, 1, "{table} holds the batch {n} times");
    }
    drop(collector);
    drop_clickhouse(&url);
}

#[test]
fn postgres_a_connection_lost_while_quarantining_row_by_row_is_a_503_and_quarantines_nothing() {
    let Some(url) = server_url("TELEMETRY_TEST_POSTGRES_URL", "postgres connection lost row by row") else { return };
    let url = fresh_postgres(&url, "rtrows");
    let collector = start_with_store(&url, &[]);
    let (command, table) = acme("CLI_COMMAND");
    let mut other: Value = serde_json::from_str(&command).unwrap();
    other["payload"]["command"] = Value::from("build");
    let other = other.to_string();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // The table refuses `deploy` (as a constraint the schema does not know would), and a `build` row loses the
    // connection (as a server restart or a network cut would): the refusal sends the group row by row, and the
    // lost connection must then fail the group, not quarantine the good row as refused.
    client
        .batch_execute(&format!(
            "CREATE FUNCTION rt_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               IF NEW.command::TEXT = 'deploy' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END IF; \
               IF NEW.command::TEXT = 'build' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; \
               RETURN NEW; END $$; \
             CREATE TRIGGER rt BEFORE INSERT ON \"{table}\" FOR EACH ROW EXECUTE FUNCTION rt_refuse();"
        ))
        .unwrap();
    let id = batch_id(0xCD);
    let body = batch_body(&id, &[command.clone(), other.clone()]);
    let response = post(collector.addr, body.as_bytes());
    assert_eq!(response.status, 503, "{}", String::from_utf8_lossy(&response.body));
    let count = |client: &mut postgres::Client, sql: &str| -> i64 { client.query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(count(&mut client, "SELECT count(*) FROM quarantine"), 0, "a good row was quarantined");
    assert_eq!(count(&mut client, "SELECT count(*) FROM batches"), 0);

    // Every row of a group refused: acknowledged, each row quarantined as refused by the store, none stored.
    client
        .batch_execute(
            "CREATE OR REPLACE FUNCTION rt_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END $$;",
        )
        .unwrap();
    let all = batch_id(0xCE);
    let response = post(collector.addr, batch_body(&all, &[command.clone(), other.clone()]).as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!((response.json()["stored"].as_u64(), response.json()["quarantined"].as_u64()), (Some(0), Some(2)));
    assert_eq!(count(&mut client, &format!("SELECT count(*) FROM \"{table}\"")), 0);
    assert_eq!(count(&mut client, "SELECT count(*) FROM quarantine WHERE reason = 'store_rejected'"), 2);

    // The table accepts again: the retry of the first batch stores both rows, once.
    client.batch_execute(&format!("DROP TRIGGER rt ON \"{table}\"")).unwrap();
    let mut retried = post(collector.addr, body.as_bytes());
    for _ in 0..20 {
        if retried.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        retried = post(collector.addr, body.as_bytes());
    }
    assert_eq!(retried.status, 200, "{}", String::from_utf8_lossy(&retried.body));
    assert_eq!(retried.json()["stored"], 2, "{}", retried.json());
    assert_eq!(count(&mut client, &format!("SELECT count(*) FROM \"{table}\" WHERE batch_id = '{id}'")), 2);
    drop(client);
    drop(collector);
    drop_postgres(&url);
}
