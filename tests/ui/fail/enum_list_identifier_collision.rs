telemetry_schema::telemetry_enum_from_list! {
    /// A framework the project uses.
    pub enum Framework = "../lists/identifier_collision.txt";
}

fn main() {}
