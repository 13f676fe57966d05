-- A prediction view for dashboards: every customer with the champion's churn probability.
-- The alias is resolved when a query reads the view, so moving `champion` changes it at once.
CREATE SCHEMA IF NOT EXISTS main.ml;

CREATE OR REPLACE VIEW main.ml.churn_predictions AS
SELECT customer_id, main.ml.predict_churn(features) AS churn_probability
FROM main.sales.customer_features;
