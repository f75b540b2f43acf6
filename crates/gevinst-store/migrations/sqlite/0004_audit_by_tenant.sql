-- The newest audit entry of a tenant is its data version (Store::data_version), read on
-- every programme page to decide whether a cached forecast still holds.
CREATE INDEX audit_log_tenant_id ON audit_log (tenant_id, id);
