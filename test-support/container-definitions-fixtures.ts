/** The AWS account ID the container-definitions tests put in ARNs and settings. */
export const ACCOUNT = '123456789012';
