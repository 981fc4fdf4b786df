"""Water-environment regional compensation (水环境区域补偿)."""
