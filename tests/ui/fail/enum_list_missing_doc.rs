telemetry_schema::telemetry_enum_from_list! {
    /// A framework the project uses.
    pub enum Framework = "../lists/missing_doc.txt";
}

fn main() {}
