-- The example workspace's customers: the IBM Telco churn data, one row per customer, with
-- snake_case column names. Every column is read as text and typed here, so that Yes/No columns
-- stay the strings the model was trained on. A blank TotalCharges (11 new customers) becomes NULL.
-- `getvariable('telco_csv')` is the data file's path, set by `modelsql demo`.
CREATE SCHEMA IF NOT EXISTS main.sales;

CREATE OR REPLACE TABLE main.sales.customers AS
SELECT
  customerID AS customer_id,
  gender,
  CAST(SeniorCitizen AS BIGINT) AS senior_citizen,
  Partner AS partner,
  Dependents AS dependents,
  CAST(tenure AS BIGINT) AS tenure,
  PhoneService AS phone_service,
  MultipleLines AS multiple_lines,
  InternetService AS internet_service,
  OnlineSecurity AS online_security,
  OnlineBackup AS online_backup,
  DeviceProtection AS device_protection,
  TechSupport AS tech_support,
  StreamingTV AS streaming_tv,
  StreamingMovies AS streaming_movies,
  Contract AS contract,
  PaperlessBilling AS paperless_billing,
  PaymentMethod AS payment_method,
  CAST(MonthlyCharges AS DOUBLE) AS monthly_charges,
  TRY_CAST(nullif(trim(TotalCharges), '') AS DOUBLE) AS total_charges,
  Churn = 'Yes' AS churned
FROM read_csv(getvariable('telco_csv'), header = true, all_varchar = true);
