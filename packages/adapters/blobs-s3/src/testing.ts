export { motoServerMissing, startMotoServer, testS3Client, type MotoServer } from './testing/moto-server.js';
