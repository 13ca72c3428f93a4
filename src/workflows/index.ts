export { planWorkflow } from './plan-workflow';
export { reminderWorkflow } from './reminder-workflow';
export { scheduledPlanWorkflow } from './scheduled-plan-workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow';
export { conversationWorkflow } from './conversation-workflow';
