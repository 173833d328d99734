telemetry_schema::telemetry_enum_from_list! {
    pub enum CiService = "../lists/ci_services.txt";
}

fn main() {}
