/** aws-kms's own action lists for grantDecrypt and grantEncrypt (aws-kms/lib/private/perms.js). */
export const DECRYPT_ACTIONS = ['kms:Decrypt'];
export const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
