import type {
  CreateFirmRequest,
  CreateFirmResponse,
  CreateStaffRequest,
  StaffItem,
  StaffListResponse,
  StaffLoginRequest,
  StaffLoginResponse,
  StaffMeResponse,
  UpdateStaffRequest,
} from '@connecthub/backend/contract';
import { api } from './client';

type Fetch = typeof fetch;

export const staffApi = {
  createFirm: (body: CreateFirmRequest) => api.post<CreateFirmResponse>('/firms', body),
  login: (body: StaffLoginRequest) => api.post<StaffLoginResponse>('/auth/staff/login', body),
  logout: () => api.post<void>('/auth/logout'),
  me: (fetch?: Fetch) => api.get<StaffMeResponse>('/staff/me', { fetch }),

  list: (fetch?: Fetch) => api.get<StaffListResponse>('/staff', { fetch }),
  create: (body: CreateStaffRequest) => api.post<Omit<StaffItem, 'online'>>('/staff', body),
  update: (id: string, body: UpdateStaffRequest) =>
    api.patch<Omit<StaffItem, 'online'>>(`/staff/${id}`, body),
  remove: (id: string) => api.delete<void>(`/staff/${id}`),
  resetPassword: (id: string, password: string) => api.post<void>(`/staff/${id}/password`, { password }),
};
