"""Operations endpoints: /healthz, /readyz, /metrics, and the request log (decision 0036)."""
