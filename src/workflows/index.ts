export { planWorkflow } from './plan-workflow';
export { reminderWorkflow } from './reminder-workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow';
