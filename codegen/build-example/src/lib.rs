//! The userStatuses client, generated at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/graph.rs"));

#[cfg(test)]
mod tests {
    use super::graph::{ComplianceStatus, ManagedDeviceMobileAppConfigurationUserStatus};
    use super::requests::GraphService;
    use odata_codegen_runtime::{Field, ServiceRoot};

    #[test]
    fn builds_a_create_request_from_generated_code() {
        let status = ManagedDeviceMobileAppConfigurationUserStatus {
            user_display_name: Field::Value("Ada".to_owned()),
            status: Some(ComplianceStatus::Compliant),
            ..Default::default()
        };
        let operation = GraphService
            .device_app_management()
            .ios_lob_app_provisioning_configurations()
            .by_id("config-1")
            .user_statuses()
            .create(&status);
        let root = ServiceRoot::new(super::SERVICE_ROOT).unwrap();
        let request = operation.to_http(&root).unwrap();
        assert_eq!(request.method(), "POST");
        assert_eq!(
            request.uri(),
            "https://graph.microsoft.com/beta/deviceAppManagement/iosLobAppProvisioningConfigurations/config-1/userStatuses"
        );
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "@odata.type": "#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus",
                "userDisplayName": "Ada",
                "status": "compliant"
            })
        );
    }
}
