"""frontdesk: the customer-service centre of a property company (客户服务中心)."""
