-- One STRUCT of model features per customer, the shape `predict_churn(features)` takes: its
-- fields are matched to the function's parameters by name.
CREATE OR REPLACE TABLE main.sales.customer_features AS
SELECT
  customer_id,
  struct_pack(
    gender,
    senior_citizen,
    partner,
    dependents,
    tenure,
    phone_service,
    multiple_lines,
    internet_service,
    online_security,
    online_backup,
    device_protection,
    tech_support,
    streaming_tv,
    streaming_movies,
    contract,
    paperless_billing,
    payment_method,
    monthly_charges,
    total_charges
  ) AS features
FROM main.sales.customers;
