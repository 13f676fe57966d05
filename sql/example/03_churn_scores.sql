-- A prediction view for dashboards: every customer with the champion's churn probability.
-- The alias is resolved when a query reads the view, so moving `champion` changes it at once.
-- Readers need SELECT on the view only: it runs with its owner's privileges (04_grants.sql).
CREATE SCHEMA IF NOT EXISTS main.ml;

CREATE OR REPLACE VIEW main.sales.churn_scores AS
SELECT customer_id, main.ml.predict_churn(features) AS churn_probability
FROM main.sales.customer_features;
