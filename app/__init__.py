"""A searchable archive of UN Security Council presidential statements."""
